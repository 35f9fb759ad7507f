package dev.faas.actors.worker.pool;

import dev.faas.actors.warm.PoolSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warm pool's decisions, as pure functions: how many untouched containers each key should
 * hold, how long to wait after failures, and whether an idle container is young enough to serve.
 */
public final class PoolSizing {
  private PoolSizing() {}

  /**
   * Recent demand for one key.
   *
   * @param arrivals acquisitions within the window
   * @param peakConcurrency the most activations of the key in flight at once within the window,
   *     now included
   * @param lastArrival the latest acquisition; null when there was none
   * @param recentArrivals acquisitions within the last start latency: a caller calling again as
   *     soon as it is answered arrives faster than a replacement starts, which the window's average
   *     rate hides
   */
  public record Demand(int arrivals, int peakConcurrency, Instant lastArrival, int recentArrivals) {
    public Demand(int arrivals, int peakConcurrency, Instant lastArrival) {
      this(arrivals, peakConcurrency, lastArrival, 0);
    }
  }

  /**
   * What bounds the targets.
   *
   * @param slots the worker's slots: holding more for one key than can run at once is waste
   */
  public record Bounds(
      int maxIdlePerKey,
      int maxIdleTotal,
      int slots,
      Duration window,
      Duration idleTtl,
      Duration startLatency) {

    public static Bounds of(PoolSettings settings, int slots) {
      return new Bounds(settings.maxIdlePerKey(), settings.maxIdleTotal(), slots,
          settings.window(), settings.idleTtl(), settings.startLatency());
    }
  }

  /**
   * What one key would hold with no other key competing: nothing once {@code idleTtl} has passed
   * without an acquisition; otherwise at least one, as many as were in flight at once (so a
   * repeated burst is served warm), and as many as arrive, at the window's rate or at the rate of
   * the last start latency, while one replacement starts (so a steady stream, or a caller calling
   * back to back, does not outrun its replacements); at most {@code maxIdlePerKey} and {@code
   * slots}.
   */
  public static int wanted(Demand demand, Instant now, Bounds bounds) {
    if (demand.lastArrival() == null
        || !now.isBefore(demand.lastArrival().plus(bounds.idleTtl()))) {
      return 0;
    }
    double perStart =
        demand.arrivals() * (double) bounds.startLatency().toNanos() / bounds.window().toNanos();
    long byRate = (long) Math.ceil(Math.min(perStart, Integer.MAX_VALUE));
    long wanted =
        Math.max(
            Math.max(1, demand.recentArrivals()), Math.max(demand.peakConcurrency(), byRate));
    return (int) Math.min(wanted, Math.min(bounds.maxIdlePerKey(), bounds.slots()));
  }

  /**
   * Every key's target, within {@code maxIdleTotal} overall: when the keys want more, every key
   * that wants any gets one before any gets two, the busiest (most arrivals, then the latest)
   * first. The result lists the keys in that order of priority.
   */
  public static <K> LinkedHashMap<K, Integer> targets(
      Map<K, Demand> demands, Instant now, Bounds bounds) {
    List<Map.Entry<K, Demand>> order = new ArrayList<>(demands.entrySet());
    order.sort(
        Comparator.<Map.Entry<K, Demand>>comparingInt(e -> -e.getValue().arrivals())
            .thenComparing(
                e -> e.getValue().lastArrival(),
                Comparator.nullsLast(Comparator.<Instant>reverseOrder())));
    int[] wanted = new int[order.size()];
    int[] given = new int[order.size()];
    int most = 0;
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = wanted(order.get(i).getValue(), now, bounds);
      most = Math.max(most, wanted[i]);
    }
    int left = bounds.maxIdleTotal();
    for (int level = 1; level <= most && left > 0; level++) {
      for (int i = 0; i < wanted.length && left > 0; i++) {
        if (wanted[i] >= level) {
          given[i]++;
          left--;
        }
      }
    }
    LinkedHashMap<K, Integer> targets = new LinkedHashMap<>();
    for (int i = 0; i < given.length; i++) {
      targets.put(order.get(i).getKey(), given[i]);
    }
    return targets;
  }

  /**
   * The pause before a key's next pre-start after {@code failures} failures in a row (failed
   * starts and deaths while idle): none after one, then {@code min} doubling up to {@code max}.
   */
  public static Duration backoff(int failures, Duration min, Duration max) {
    if (failures <= 1) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - 2, 30);
    Duration pause = min.multipliedBy(1L << doublings);
    return pause.compareTo(max) > 0 ? max : pause;
  }

  /**
   * True when a container of age {@code age} would be gone before the worker's sweep (which
   * removes platform containers older than {@code sweepAge}) if it now ran an activation for as
   * long as {@code longestRun} (its timeout, the kill's grace and the removal).
   */
  public static boolean fitsBeforeSweep(Duration age, Duration longestRun, Duration sweepAge) {
    return age.plus(longestRun).compareTo(sweepAge) < 0;
  }
}
