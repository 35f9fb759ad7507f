package dev.faas.actors.worker;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.warm.PoolSettings;
import java.time.Duration;

/**
 * One worker's identity, slots and housekeeping intervals.
 *
 * @param workerId stable across restarts of the same worker (its host name, say): a restarted
 *     worker removes the containers labelled with it
 * @param platformName the value of {@link dev.faas.actors.runtime.ContainerSpec#PLATFORM_LABEL}
 *     on every container of this platform instance
 * @param slots containers run at once ({@code FAAS_WORKER_SLOTS})
 * @param pullWait how long one pull waits for work
 * @param pullRetry the pause after a failed pull
 * @param announceInterval how often the worker tells the API nodes it is alive
 * @param sweepInterval how often the worker removes stale platform containers
 * @param sweepAge a platform container older than this is stale: longer than any activation
 * @param runner each runner's settings
 * @param pool the warm pool's settings; off unless set with {@link #withPool}. Its {@code
 *     maxIdleAge} must stay below {@code sweepAge}: the sweep would take pooled containers
 * @param probeInterval how often the worker checks that its engine can start a container (the
 *     runtime answers from recent starts when there are some); a worker whose check fails takes
 *     no work and does not announce itself until a check passes again
 * @param probeTimeout a check that has not answered within this has failed
 * @param memoryBudgetMb the memory (MiB) the worker's running and pre-started containers may have
 *     together ({@link MemoryBudget}); 0: no budget, slots alone bound what it takes
 */
public record WorkerSettings(
    String workerId,
    String platformName,
    int slots,
    Duration pullWait,
    Duration pullRetry,
    Duration announceInterval,
    Duration sweepInterval,
    Duration sweepAge,
    RunnerSettings runner,
    PoolSettings pool,
    Duration probeInterval,
    Duration probeTimeout,
    long memoryBudgetMb) {

  /** How often the engine is checked, unless set otherwise. */
  public static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

  /** How long an engine check may take, unless set otherwise. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  public WorkerSettings {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be positive: " + slots);
    }
    if (memoryBudgetMb < 0) {
      throw new IllegalArgumentException("memoryBudgetMb must not be negative: " + memoryBudgetMb);
    }
    pool = pool == null ? PoolSettings.disabled() : pool;
    probeInterval = probeInterval == null ? PROBE_INTERVAL : probeInterval;
    probeTimeout = probeTimeout == null ? PROBE_TIMEOUT : probeTimeout;
    if (pool.enabled() && pool.maxIdleAge().plus(pool.tick()).compareTo(sweepAge) >= 0) {
      throw new IllegalArgumentException(
          "pool maxIdleAge " + pool.maxIdleAge() + " (+ tick) must stay below sweepAge " + sweepAge);
    }
  }

  /** A worker without a memory budget (slots alone bound what it takes). */
  public WorkerSettings(
      String workerId,
      String platformName,
      int slots,
      Duration pullWait,
      Duration pullRetry,
      Duration announceInterval,
      Duration sweepInterval,
      Duration sweepAge,
      RunnerSettings runner,
      PoolSettings pool,
      Duration probeInterval,
      Duration probeTimeout) {
    this(workerId, platformName, slots, pullWait, pullRetry, announceInterval, sweepInterval,
        sweepAge, runner, pool, probeInterval, probeTimeout, 0);
  }

  /** A worker with these pool settings, checking its engine at the default pace. */
  public WorkerSettings(
      String workerId,
      String platformName,
      int slots,
      Duration pullWait,
      Duration pullRetry,
      Duration announceInterval,
      Duration sweepInterval,
      Duration sweepAge,
      RunnerSettings runner,
      PoolSettings pool) {
    this(workerId, platformName, slots, pullWait, pullRetry, announceInterval, sweepInterval,
        sweepAge, runner, pool, PROBE_INTERVAL, PROBE_TIMEOUT);
  }

  /** A worker without a warm pool. */
  public WorkerSettings(
      String workerId,
      String platformName,
      int slots,
      Duration pullWait,
      Duration pullRetry,
      Duration announceInterval,
      Duration sweepInterval,
      Duration sweepAge,
      RunnerSettings runner) {
    this(workerId, platformName, slots, pullWait, pullRetry, announceInterval, sweepInterval,
        sweepAge, runner, PoolSettings.disabled());
  }

  /** The same worker with these pool settings. */
  public WorkerSettings withPool(PoolSettings pool) {
    return new WorkerSettings(workerId, platformName, slots, pullWait, pullRetry,
        announceInterval, sweepInterval, sweepAge, runner, pool, probeInterval, probeTimeout,
        memoryBudgetMb);
  }

  /** The same worker checking its engine every {@code interval}, each check within {@code timeout}. */
  public WorkerSettings withProbe(Duration interval, Duration timeout) {
    return new WorkerSettings(workerId, platformName, slots, pullWait, pullRetry,
        announceInterval, sweepInterval, sweepAge, runner, pool, interval, timeout,
        memoryBudgetMb);
  }

  /**
   * The same worker promising its running and pre-started containers at most {@code mb} MiB of
   * memory together; 0: no budget (docs/decisions/0017).
   */
  public WorkerSettings withMemoryBudget(long mb) {
    return new WorkerSettings(workerId, platformName, slots, pullWait, pullRetry,
        announceInterval, sweepInterval, sweepAge, runner, pool, probeInterval, probeTimeout, mb);
  }

  /** Defaults, without a warm pool ({@code withPool(PoolSettings.defaults())} adds one). */
  public static WorkerSettings defaults(String workerId, String platformName, int slots) {
    RunnerSettings runner = RunnerSettings.defaults();
    Duration longest =
        Duration.ofMillis(FunctionSpec.MAX_TIMEOUT_MS)
            .plus(runner.acquireTimeout())
            .plus(runner.killGrace());
    return new WorkerSettings(
        workerId,
        platformName,
        slots,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        longest.plus(Duration.ofMinutes(2)),
        runner);
  }
}
