package dev.faas.actors.worker;

import java.time.Duration;

/**
 * Limits and intervals of one {@link RunnerActor}.
 *
 * @param stdoutCapBytes the most stdout kept as the result; more kills the container
 *     (OUTPUT_TOO_LARGE)
 * @param logCapBytes the most stderr kept as the logs; the rest is read and discarded
 * @param heartbeatInterval how often the runner tells the queue and the API node it is alive
 * @param nanoCpus each container's CPU quota, in billionths of a CPU
 * @param pidsLimit the most processes a container may hold
 * @param tmpfsBytes size of the writable /tmp
 * @param acquireTimeout the most getting a container may take before the activation fails as a
 *     platform error
 * @param killGrace after a kill, how long to wait for the container's exit before giving up on it
 * @param removeTimeout how long the runner waits for its container's removal before it stops
 *     anyway (the worker's periodic sweep removes what is left)
 * @param settleTimeout how long the runner keeps retrying its record's write and its ack while
 *     they fail (NATS away) before it answers without them; it keeps its slot meanwhile
 */
public record RunnerSettings(
    long stdoutCapBytes,
    int logCapBytes,
    Duration heartbeatInterval,
    long nanoCpus,
    long pidsLimit,
    long tmpfsBytes,
    Duration acquireTimeout,
    Duration killGrace,
    Duration removeTimeout,
    Duration settleTimeout) {

  public static final long MIB = 1024L * 1024L;
  public static final Duration DEFAULT_SETTLE_TIMEOUT = Duration.ofSeconds(60);

  /** With the default settle timeout. */
  public RunnerSettings(
      long stdoutCapBytes,
      int logCapBytes,
      Duration heartbeatInterval,
      long nanoCpus,
      long pidsLimit,
      long tmpfsBytes,
      Duration acquireTimeout,
      Duration killGrace,
      Duration removeTimeout) {
    this(stdoutCapBytes, logCapBytes, heartbeatInterval, nanoCpus, pidsLimit, tmpfsBytes,
        acquireTimeout, killGrace, removeTimeout, DEFAULT_SETTLE_TIMEOUT);
  }

  public static RunnerSettings defaults() {
    return new RunnerSettings(
        MIB,
        64 * 1024,
        Duration.ofSeconds(1),
        1_000_000_000L,
        64,
        16 * MIB,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }
}
