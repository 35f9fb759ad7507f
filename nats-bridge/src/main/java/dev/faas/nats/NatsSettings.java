package dev.faas.nats;

import java.time.Duration;
import java.util.List;

/**
 * How a node reaches NATS and how the key-value buckets are shaped. A null (or, for the
 * replicas, zero) component takes its default.
 *
 * @param servers NATS server URLs; the client picks among them and fails over between them
 * @param connectionName the name the server shows for this node's connection (monitoring, logs)
 * @param kvReplicas replicas of every bucket: 1 for a single server, 3 in a cluster (0: default)
 * @param activationTtl how long an activation record is kept
 * @param requestTimeout the most one JetStream or key-value request may take
 */
public record NatsSettings(
    List<String> servers,
    String connectionName,
    int kvReplicas,
    Duration activationTtl,
    Duration requestTimeout) {

  public static final String DEFAULT_SERVER = "nats://127.0.0.1:4222";
  public static final String DEFAULT_CONNECTION_NAME = "faas-node";
  public static final int DEFAULT_KV_REPLICAS = 1;
  public static final Duration DEFAULT_ACTIVATION_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

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
  }

  /** Every default: one local server, single-replica buckets. */
  public static NatsSettings defaults() {
    return new NatsSettings(null, null, 0, null, null);
  }

  /** These settings with other servers, for example from {@code FAAS_NATS_URL}. */
  public NatsSettings withServers(List<String> otherServers) {
    return new NatsSettings(otherServers, connectionName, kvReplicas, activationTtl, requestTimeout);
  }

  /** These settings with another connection name, usually the node's id. */
  public NatsSettings withConnectionName(String name) {
    return new NatsSettings(servers, name, kvReplicas, activationTtl, requestTimeout);
  }
}
