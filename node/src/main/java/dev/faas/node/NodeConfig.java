package dev.faas.node;

import com.typesafe.config.Config;
import dev.faas.nats.NatsAuth;
import dev.faas.nats.NatsTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The node's settings, read once from the {@code faas} section of the HOCON configuration (where
 * every value can be overridden by its FAAS_* environment variable) and checked at start-up, so a
 * bad value stops the node with a message naming the variable instead of failing later.
 */
public record NodeConfig(
    String nodeName,
    String platform,
    Set<Role> roles,
    String httpInterface,
    int port,
    long maxBodyBytes,
    ConnectionGuard.Limits connections,
    Duration drainTimeout,
    boolean tls,
    String keystore,
    String keystorePassword,
    Path dataDir,
    List<String> natsUrls,
    int kvReplicas,
    Duration natsRequestTimeout,
    NatsAuth natsAuth,
    NatsTls natsTls,
    Duration tokenTtl,
    int hashThreads,
    int hashQueue,
    int maxConcurrent,
    int maxConcurrentPerUser,
    int maxFunctionsPerUser,
    Duration janitorInterval,
    Duration acceptTimeout,
    Duration heartbeatTimeout,
    Duration resultGrace,
    int nodeMaxInFlight,
    Duration activationTtl,
    Duration maxFunctionTimeout,
    int workerSlots,
    Duration ackWait,
    long stdoutCapBytes,
    long logCapBytes,
    double containerCpus,
    int pidsLimit,
    long tmpfsBytes,
    boolean warmPool,
    int poolMaxIdlePerFunction,
    int poolMaxIdle,
    Duration poolIdleTtl,
    Duration poolPrecallCpu,
    String dockerHost,
    String dockerApiVersion,
    Duration dockerCallTimeout,
    boolean faasInit,
    Duration pullTimeout,
    long imageCacheBytes,
    Duration imageGcGrace,
    Duration imageGcEvery,
    ImageConfig images,
    SandboxConfig sandbox,
    int metricsMaxFunctions,
    TraceConfig traces,
    AsyncConfig async) {

  /** Reads and validates the {@code faas} section of {@code root}. */
  public static NodeConfig from(Config root) {
    Config c = root.getConfig("faas");
    List<String> natsUrls =
        Arrays.stream(c.getString("nats.url").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    NodeConfig config =
        new NodeConfig(
            nodeName(c.getString("node-name")),
            platform(c.getString("platform")),
            Role.parse(c.getString("roles")),
            c.getString("http.interface"),
            c.getInt("http.port"),
            c.getBytes("http.max-body-bytes"),
            connections(c),
            drainTimeout(c),
            c.getBoolean("tls.enabled"),
            c.getString("tls.keystore"),
            c.getString("tls.keystore-password"),
            Path.of(c.getString("data-dir")).toAbsolutePath().normalize(),
            natsUrls,
            c.getInt("nats.kv-replicas"),
            c.getDuration("nats.request-timeout"),
            natsAuth(c),
            natsTls(c, natsUrls),
            c.getDuration("auth.token-ttl"),
            // The threads are the crypto dispatcher's, sized where the dispatcher is defined.
            root.getInt("faas-crypto-dispatcher.thread-pool-executor.fixed-pool-size"),
            c.getInt("auth.hash-queue"),
            c.getInt("activations.max-concurrent"),
            // 0: the cluster's maximum.
            c.getInt("activations.max-concurrent-per-user") == 0
                ? c.getInt("activations.max-concurrent")
                : c.getInt("activations.max-concurrent-per-user"),
            c.getInt("activations.max-functions-per-user"),
            c.getDuration("janitor.interval"),
            c.getDuration("activations.accept-timeout"),
            c.getDuration("activations.heartbeat-timeout"),
            c.getDuration("activations.result-grace"),
            c.getInt("activations.node-max-in-flight"),
            c.getDuration("activations.record-ttl"),
            c.getDuration("activations.max-function-timeout"),
            c.getInt("worker.slots"),
            c.getDuration("worker.ack-wait"),
            c.getBytes("worker.stdout-cap-bytes"),
            c.getBytes("worker.log-cap-bytes"),
            c.getDouble("worker.cpus"),
            c.getInt("worker.pids-limit"),
            c.getBytes("worker.tmpfs-bytes"),
            c.getBoolean("worker.pool.enabled"),
            c.getInt("worker.pool.max-idle-per-function"),
            c.getInt("worker.pool.max-idle"),
            c.getDuration("worker.pool.idle-ttl"),
            c.getDuration("worker.pool.precall-cpu"),
            c.getString("docker.host"),
            c.getString("docker.api-version"),
            c.getDuration("docker.call-timeout"),
            c.getBoolean("docker.faas-init"),
            c.getDuration("docker.pull-timeout"),
            c.getBytes("docker.image-cache-bytes"),
            c.getDuration("docker.image-gc-grace"),
            c.getDuration("docker.image-gc-every"),
            ImageConfig.from(c),
            SandboxConfig.from(c),
            c.getInt("metrics.max-functions"),
            TraceConfig.from(c),
            AsyncConfig.from(c, c.getInt("activations.max-concurrent")));
    config.check();
    return config;
  }

  /** FAAS_DRAIN_TIMEOUT, or by default the longest a function may run, plus its kill and report. */
  private static Duration drainTimeout(Config c) {
    if (c.hasPath("drain-timeout")) {
      return c.getDuration("drain-timeout");
    }
    return Duration.ofMillis(c.getLong("activations.max-function-timeout")).plusSeconds(10);
  }

  /** The per-connection limits of faas.http (ConnectionGuard); the variables name them. */
  private static ConnectionGuard.Limits connections(Config c) {
    try {
      return new ConnectionGuard.Limits(
          c.getDuration("http.header-timeout"),
          c.getDuration("http.idle-timeout"),
          c.getInt("http.max-connections"),
          c.getInt("http.connection-reserve"),
          c.getDuration("http.reserve-timeout"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "FAAS_HTTP_HEADER_TIMEOUT, FAAS_HTTP_IDLE_TIMEOUT and FAAS_HTTP_RESERVE_TIMEOUT must be"
              + " positive, FAAS_MAX_CONNECTIONS at least 1, FAAS_CONNECTION_RESERVE not negative",
          e);
    }
  }

  /** FAAS_NATS_USER and FAAS_NATS_PASSWORD, or FAAS_NATS_CREDS, or nothing. */
  private static NatsAuth natsAuth(Config c) {
    String creds = c.getString("nats.creds");
    return new NatsAuth(
        c.getString("nats.user"),
        c.getString("nats.password"),
        creds.isBlank() ? null : Path.of(creds));
  }

  /** FAAS_NATS_CA, and whether any FAAS_NATS_URL is {@code tls://}: TLS to NATS or not. */
  private static NatsTls natsTls(Config c, List<String> urls) {
    String ca = c.getString("nats.ca");
    return NatsTls.of(ca.isBlank() ? null : Path.of(ca), urls);
  }

  private static String nodeName(String configured) {
    if (!configured.isBlank()) {
      return configured;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "node";
    }
  }

  /** FAAS_PLATFORM, or {@code faas} when it is unset or blank. */
  private static String platform(String configured) {
    return configured.isBlank() ? "faas" : configured;
  }

  private void check() {
    require(port > 0 && port < 65536, "FAAS_PORT must be between 1 and 65535");
    require(maxBodyBytes > 0, "FAAS_MAX_BODY_BYTES must be positive");
    require(!natsUrls.isEmpty(), "FAAS_NATS_URL must name at least one server");
    require(kvReplicas >= 1 && kvReplicas <= 5, "FAAS_KV_REPLICAS must be between 1 and 5");
    require(maxConcurrent >= 1, "FAAS_MAX_CONCURRENT must be at least 1");
    require(maxConcurrentPerUser >= 1, "FAAS_MAX_CONCURRENT_PER_USER must be at least 1");
    require(maxFunctionsPerUser >= 1, "FAAS_MAX_FUNCTIONS_PER_USER must be at least 1");
    require(!drainTimeout.isNegative(), "FAAS_DRAIN_TIMEOUT must not be negative");
    require(workerSlots >= 1, "FAAS_WORKER_SLOTS must be at least 1");
    // A runner reports progress every second, from about a second after its worker pulled: a
    // shorter wait would hand a healthy activation to another worker, which drops it unrun.
    require(ackWait.toMillis() >= 3000, "FAAS_ACK_WAIT must be at least 3s");
    require(stdoutCapBytes >= 1, "FAAS_STDOUT_CAP_BYTES must be positive");
    require(containerCpus > 0, "FAAS_CONTAINER_CPUS must be positive");
    require(pidsLimit >= 8, "FAAS_CONTAINER_PIDS must be at least 8");
    require(poolMaxIdlePerFunction >= 1, "FAAS_POOL_MAX_PER_FUNCTION must be at least 1");
    require(poolMaxIdle >= 1, "FAAS_POOL_MAX_IDLE must be at least 1");
    require(
        dockerCallTimeout.compareTo(Duration.ofSeconds(1)) >= 0,
        "FAAS_DOCKER_CALL_TIMEOUT must be at least 1s");
    require(
        pullTimeout.compareTo(Duration.ofSeconds(1)) >= 0, "FAAS_PULL_TIMEOUT must be at least 1s");
    require(!imageGcGrace.isNegative(), "FAAS_IMAGE_GC_GRACE must not be negative");
    require(
        imageGcEvery.isZero() || imageGcEvery.compareTo(Duration.ofSeconds(1)) >= 0,
        "FAAS_IMAGE_GC_EVERY must be 0 (off) or at least 1s");
    require(!poolPrecallCpu.isNegative(), "FAAS_POOL_PRECALL_CPU must not be negative");
    require(!tokenTtl.isNegative() && !tokenTtl.isZero(), "FAAS_TOKEN_TTL must be positive");
    require(hashThreads >= 1, "FAAS_HASH_THREADS must be at least 1");
    require(hashQueue >= 0, "FAAS_HASH_QUEUE must not be negative");
    require(metricsMaxFunctions >= 0, "FAAS_METRICS_MAX_FUNCTIONS must not be negative");
    require(
        janitorInterval.isZero() || janitorInterval.compareTo(Duration.ofSeconds(1)) >= 0,
        "FAAS_JANITOR_INTERVAL must be 0 (off) or at least 1s");
    require(
        !keystore.isEmpty() || keystorePassword.isEmpty(),
        "FAAS_TLS_KEYSTORE_PASSWORD is set but FAAS_TLS_KEYSTORE is not");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Whether this node plays {@code role}. */
  public boolean hasRole(Role role) {
    return roles.contains(role);
  }

  /**
   * The node name reduced to {@code [A-Za-z0-9_-]{1,64}}, usable in NATS subjects and container
   * labels. It is also the worker's id, so it must be stable across restarts (a restarted worker
   * removes the containers labelled with it) and unique in the cluster.
   */
  public String nodeId() {
    String id = nodeName.replaceAll("[^A-Za-z0-9_-]", "-");
    if (id.isEmpty()) {
      id = "node";
    }
    return id.length() > 64 ? id.substring(0, 64) : id;
  }
}
