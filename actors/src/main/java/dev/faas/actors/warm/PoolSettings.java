package dev.faas.actors.warm;

import java.time.Duration;

/**
 * Sizing, ages and pacing of one worker's {@link WarmPool}.
 *
 * @param enabled false: every activation gets a container started for it (the cold path)
 * @param maxIdlePerKey the most untouched containers (idle or starting) held for one pool key
 * @param maxIdleTotal the most untouched containers (idle or starting) held by the worker
 * @param idleTtl a key with no acquisition for this long holds nothing
 * @param window how far back arrivals and concurrency are looked at to size a key
 * @param startLatency about how long pre-starting one container takes: arrivals expected within
 *     it are what the pool must hold to stay ahead of a steady stream
 * @param maxIdleAge an idle container this old is removed and replaced; must stay below the
 *     worker's {@code sweepAge}, which removes any platform container older than that
 * @param maxStarting the most pre-starts in flight at once, so the pool does not crowd the engine
 *     that cold starts also need
 * @param tick how often ages, idle periods and back-offs are looked at
 * @param startTimeout a pre-start that takes longer counts as failed (a late container is removed)
 * @param backoffMin the pause after the second failure in a row of a key (a first failure or
 *     death is retried at once)
 * @param backoffMax the longest pause; also the pause after an image was not found
 * @param askTimeout how long an activation waits for the pool's answer before it starts a
 *     container itself
 * @param startDefer how long pre-starts may wait for the worker's running activations to end:
 *     a container's start loads the engine and the CPU that a running activation needs for its
 *     own end, so a replacement is started once the activation that took a container is over,
 *     or after this at the latest; zero starts at once
 */
public record PoolSettings(
    boolean enabled,
    int maxIdlePerKey,
    int maxIdleTotal,
    Duration idleTtl,
    Duration window,
    Duration startLatency,
    Duration maxIdleAge,
    int maxStarting,
    Duration tick,
    Duration startTimeout,
    Duration backoffMin,
    Duration backoffMax,
    Duration askTimeout,
    Duration startDefer) {

  public PoolSettings {
    if (maxIdlePerKey < 0 || maxIdleTotal < 0 || maxStarting < 1) {
      throw new IllegalArgumentException("pool bounds must not be negative, maxStarting positive");
    }
    for (Duration d :
        new Duration[] {idleTtl, window, startLatency, maxIdleAge, tick, startTimeout, backoffMin,
            backoffMax, askTimeout}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("pool durations must be positive");
      }
    }
    if (startDefer == null || startDefer.isNegative()) {
      throw new IllegalArgumentException("startDefer must not be negative (zero: never defer)");
    }
    if (backoffMin.compareTo(backoffMax) > 0) {
      throw new IllegalArgumentException("backoffMin must not exceed backoffMax");
    }
  }

  /** Enabled: 4 per key, 16 per worker, idle for 2 minutes at most, recycled at 90 seconds. */
  public static PoolSettings defaults() {
    return new PoolSettings(
        true,
        4,
        16,
        Duration.ofMinutes(2),
        Duration.ofMinutes(1),
        Duration.ofMillis(500),
        Duration.ofSeconds(90),
        4,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(2),
        Duration.ofMillis(250));
  }

  /** The defaults, switched off. */
  public static PoolSettings disabled() {
    return defaults().withEnabled(false);
  }

  public PoolSettings withEnabled(boolean on) {
    return new PoolSettings(on, maxIdlePerKey, maxIdleTotal, idleTtl, window, startLatency,
        maxIdleAge, maxStarting, tick, startTimeout, backoffMin, backoffMax, askTimeout,
        startDefer);
  }
}
