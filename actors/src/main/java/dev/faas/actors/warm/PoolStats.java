package dev.faas.actors.warm;

import java.util.List;

/**
 * The pool's figures.
 *
 * @param idle untouched containers ready now
 * @param starting pre-starts in flight
 * @param busy acquisitions (warm or cold) whose activation is not over
 * @param keys per key, in the order the keys were first asked for
 * @param counts what the pool has done since it started
 * @param drained true once drained
 */
public record PoolStats(
    int idle,
    int starting,
    int busy,
    List<KeyStats> keys,
    Counts counts,
    boolean drained) {

  /**
   * What the pool has done since it started, counted.
   *
   * @param started pre-starts that succeeded
   * @param handedOut acquisitions answered warm
   * @param missed acquisitions answered cold
   * @param replacedAfterDeath idle containers that exited while waiting
   * @param recycled idle containers removed for their age
   * @param retired idle containers removed because demand fell
   * @param invalidated idle containers removed because their function changed or went away
   * @param startFailures pre-starts that failed or timed out
   */
  public record Counts(
      long started,
      long handedOut,
      long missed,
      long replacedAfterDeath,
      long recycled,
      long retired,
      long invalidated,
      long startFailures) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0);
  }

  public PoolStats {
    keys = List.copyOf(keys);
  }

  /** The memory promised to the pool's idle and starting containers (docs/decisions/0017). */
  public long reservedMemoryBytes() {
    long sum = 0;
    for (KeyStats key : keys) {
      sum += (long) (key.idle() + key.starting()) * key.memoryBytes();
    }
    return sum;
  }

  /** The figures of a worker without a pool. */
  public static PoolStats empty() {
    return new PoolStats(0, 0, 0, List.of(), Counts.ZERO, false);
  }

  /**
   * One key's figures.
   *
   * @param pool the key's hash, as on its containers' {@link PoolKey#POOL_LABEL} label
   * @param functions the functions ({@code owner.name}) that used the key, sorted
   * @param memoryBytes the memory limit of each of the key's containers (0: unknown)
   */
  public record KeyStats(
      String pool, String image, List<String> functions, int idle, int starting, int busy,
      int target, long memoryBytes) {

    public KeyStats {
      functions = List.copyOf(functions);
    }

    /** A key's figures whose containers' memory is not known. */
    public KeyStats(
        String pool, String image, List<String> functions, int idle, int starting, int busy,
        int target) {
      this(pool, image, functions, idle, starting, busy, target, 0);
    }
  }
}
