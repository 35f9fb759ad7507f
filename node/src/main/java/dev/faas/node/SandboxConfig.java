package dev.faas.node;

import com.typesafe.config.Config;

/**
 * The edges of the function sandbox and the worker's memory budget: the {@code faas.sandbox}
 * section (docs/decisions/0017).
 *
 * @param functionUser {@code FAAS_FUNCTION_USER}: {@code uid[:gid]} functions run as; empty: the
 *     image's own user
 * @param egressNetwork {@code FAAS_EGRESS_NETWORK}: the engine network of functions with {@code
 *     network: true}, created by the worker with inter-container communication off
 * @param egressAllowPrivate {@code FAAS_EGRESS_ALLOW_PRIVATE}: let such functions reach the host,
 *     link-local and private addresses
 * @param workerMemoryMb {@code FAAS_WORKER_MEMORY_MB}: the memory a worker promises its running
 *     and pre-started containers at most; 0: the engine's memory minus {@code
 *     FAAS_WORKER_MEMORY_RESERVE_MB}
 * @param workerMemoryReserveMb {@code FAAS_WORKER_MEMORY_RESERVE_MB}: what the default budget
 *     leaves to the host
 */
public record SandboxConfig(
    String functionUser,
    String egressNetwork,
    boolean egressAllowPrivate,
    long workerMemoryMb,
    long workerMemoryReserveMb) {

  /** Reads {@code sandbox} of the {@code faas} section. */
  static SandboxConfig from(Config faas) {
    Config c = faas.getConfig("sandbox");
    SandboxConfig config =
        new SandboxConfig(
            c.getString("function-user").strip(),
            c.getString("egress-network").strip(),
            c.getBoolean("egress-allow-private"),
            c.getLong("worker-memory-mb"),
            c.getLong("worker-memory-reserve-mb"));
    if (!config.functionUser.isEmpty() && !config.functionUser.matches("[0-9]+(:[0-9]+)?")) {
      throw new IllegalArgumentException(
          "FAAS_FUNCTION_USER must be a numeric uid or uid:gid, or empty; got "
              + config.functionUser);
    }
    if (config.egressNetwork.isEmpty()) {
      throw new IllegalArgumentException("FAAS_EGRESS_NETWORK must not be empty");
    }
    if (config.workerMemoryMb < 0 || config.workerMemoryReserveMb < 0) {
      throw new IllegalArgumentException(
          "FAAS_WORKER_MEMORY_MB and FAAS_WORKER_MEMORY_RESERVE_MB must not be negative");
    }
    return config;
  }
}
