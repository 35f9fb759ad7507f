package dev.faas.nats;

import java.time.Duration;
import java.util.List;

/**
 * How a node reaches NATS and how the key-value buckets and the activation stream are shaped. A
 * null (or, for the numbers, zero) component takes its default.
 *
 * @param servers NATS server URLs; the client picks among them and fails over between them
 * @param connectionName the name the server shows for this node's connection (monitoring, logs)
 * @param kvReplicas replicas of every bucket and of the activation stream: 1 for a single server,
 *     3 in a cluster (0: default)
 * @param activationTtl how long an activation record is kept
 * @param requestTimeout the most one JetStream or key-value request may take
 * @param maxConcurrent the cluster-wide maximum of concurrent activations ({@code
 *     FAAS_MAX_CONCURRENT}): the bound of the {@code ACTIVATIONS} stream. Every node must be
 *     configured alike: each one sets the stream to its own value on every (re)connect (0: default)
 * @param ackWait how long a worker may stay silent about a pulled activation before it is handed
 *     out again (and then dropped, never run twice); runners report progress well within it
 * @param liveWorkerWindow a worker counts as live while its last announcement is this recent
 * @param maxConcurrentPerUser the most activations one user has running at once in the cluster
 *     ({@code FAAS_MAX_CONCURRENT_PER_USER}): the per-subject bound of the {@code PERMITS_USER}
 *     stream; configured alike on every node (0: {@code maxConcurrent})
 */
public record NatsSettings(
    List<String> servers,
    String connectionName,
    int kvReplicas,
    Duration activationTtl,
    Duration requestTimeout,
    int maxConcurrent,
    Duration ackWait,
    Duration liveWorkerWindow,
    int maxConcurrentPerUser) {

  public static final String DEFAULT_SERVER = "nats://127.0.0.1:4222";
  public static final String DEFAULT_CONNECTION_NAME = "faas-node";
  public static final int DEFAULT_KV_REPLICAS = 1;
  public static final Duration DEFAULT_ACTIVATION_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_CONCURRENT = 16;
  public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_LIVE_WORKER_WINDOW = Duration.ofSeconds(3);

  /**
   * Fills absent values with the defaults and rejects values the server would refuse later,
   * so a bad configuration fails at start rather than on the first bucket setup.
   *
   * @throws IllegalArgumentException when a value is out of range
   */
  public NatsSettings {
    servers = servers == null || servers.isEmpty() ? List.of(DEFAULT_SERVER) : List.copyOf(servers);
    connectionName =
        connectionName == null || connectionName.isBlank() ? DEFAULT_CONNECTION_NAME : connectionName;
    kvReplicas = kvReplicas == 0 ? DEFAULT_KV_REPLICAS : kvReplicas;
    activationTtl = activationTtl == null ? DEFAULT_ACTIVATION_TTL : activationTtl;
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    maxConcurrent = maxConcurrent == 0 ? DEFAULT_MAX_CONCURRENT : maxConcurrent;
    ackWait = ackWait == null ? DEFAULT_ACK_WAIT : ackWait;
    liveWorkerWindow = liveWorkerWindow == null ? DEFAULT_LIVE_WORKER_WINDOW : liveWorkerWindow;
    if (maxConcurrentPerUser < 0) {
      throw new IllegalArgumentException(
          "maxConcurrentPerUser must be positive, was " + maxConcurrentPerUser);
    }
    // JetStream allows 1 to 5 replicas per stream.
    if (kvReplicas < 1 || kvReplicas > 5) {
      throw new IllegalArgumentException("kvReplicas must be 1 to 5, was " + kvReplicas);
    }
    if (activationTtl.isNegative() || activationTtl.isZero()) {
      throw new IllegalArgumentException("activationTtl must be positive, was " + activationTtl);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be positive, was " + maxConcurrent);
    }
    // JetStream counts ack waits in whole milliseconds; less than a second would expire while a
    // healthy runner's progress report is still on its way.
    if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("ackWait must be at least 1 s, was " + ackWait);
    }
    if (liveWorkerWindow.isNegative() || liveWorkerWindow.isZero()) {
      throw new IllegalArgumentException(
          "liveWorkerWindow must be positive, was " + liveWorkerWindow);
    }
  }

  /** The per-user maximum; the cluster's when none was given. */
  @Override
  public int maxConcurrentPerUser() {
    return maxConcurrentPerUser == 0 ? maxConcurrent : maxConcurrentPerUser;
  }

  /** Settings whose per-user maximum is the cluster's. */
  public NatsSettings(
      List<String> servers,
      String connectionName,
      int kvReplicas,
      Duration activationTtl,
      Duration requestTimeout,
      int maxConcurrent,
      Duration ackWait,
      Duration liveWorkerWindow) {
    this(
        servers, connectionName, kvReplicas, activationTtl, requestTimeout, maxConcurrent, ackWait,
        liveWorkerWindow, 0);
  }

  /** Every default: one local server, single-replica buckets. */
  public static NatsSettings defaults() {
    return new NatsSettings(null, null, 0, null, null, 0, null, null);
  }

  /** These settings with other servers, for example from {@code FAAS_NATS_URL}. */
  public NatsSettings withServers(List<String> otherServers) {
    return new NatsSettings(
        otherServers,
        connectionName,
        kvReplicas,
        activationTtl,
        requestTimeout,
        maxConcurrent,
        ackWait,
        liveWorkerWindow,
        maxConcurrentPerUser);
  }

  /** These settings with another connection name, usually the node's id. */
  public NatsSettings withConnectionName(String name) {
    return new NatsSettings(
        servers,
        name,
        kvReplicas,
        activationTtl,
        requestTimeout,
        maxConcurrent,
        ackWait,
        liveWorkerWindow,
        maxConcurrentPerUser);
  }

  /** These settings with another cluster-wide maximum of concurrent activations. */
  public NatsSettings withMaxConcurrent(int max) {
    return new NatsSettings(
        servers, connectionName, kvReplicas, activationTtl, requestTimeout, max, ackWait,
        liveWorkerWindow,
        maxConcurrentPerUser);
  }

  /** These settings with another per-user maximum of concurrent activations (0: the cluster's). */
  public NatsSettings withMaxConcurrentPerUser(int max) {
    return new NatsSettings(
        servers, connectionName, kvReplicas, activationTtl, requestTimeout, maxConcurrent, ackWait,
        liveWorkerWindow, max);
  }

  /** These settings with another ack wait for pulled activations. */
  public NatsSettings withAckWait(Duration wait) {
    return new NatsSettings(
        servers, connectionName, kvReplicas, activationTtl, requestTimeout, maxConcurrent, wait,
        liveWorkerWindow,
        maxConcurrentPerUser);
  }

  /** These settings with another window within which a worker's announcement keeps it live. */
  public NatsSettings withLiveWorkerWindow(Duration window) {
    return new NatsSettings(
        servers, connectionName, kvReplicas, activationTtl, requestTimeout, maxConcurrent, ackWait,
        window,
        maxConcurrentPerUser);
  }
}
