package dev.faas.actors.worker.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One key's recent acquisitions and how many of them are in flight, for {@link PoolSizing}. An
 * immutable value: every change returns the next tracker.
 *
 * @param arrivals oldest first, at most {@link #MAX_REMEMBERED}
 * @param lastArrival the latest acquisition; null when there was none
 */
record DemandTracker(List<Arrival> arrivals, int inFlight, Instant lastArrival) {
  /** Beyond this many arrivals in a window every bound is reached anyway. */
  static final int MAX_REMEMBERED = 4096;

  /** One acquisition, with how many of the key's were in flight once it arrived. */
  record Arrival(Instant at, int inFlight) {}

  DemandTracker {
    arrivals = List.copyOf(arrivals);
  }

  /** No acquisition yet. */
  DemandTracker() {
    this(List.of(), 0, null);
  }

  /** An acquisition now: it is in flight until {@link #release()}. */
  DemandTracker arrive(Instant now) {
    int flying = inFlight + 1;
    int from = arrivals.size() == MAX_REMEMBERED ? 1 : 0;
    List<Arrival> next = new ArrayList<>(arrivals.size() + 1 - from);
    next.addAll(arrivals.subList(from, arrivals.size()));
    next.add(new Arrival(now, flying));
    return new DemandTracker(next, flying, now);
  }

  /** An acquired container is done with (run, or its start failed). */
  DemandTracker release() {
    return new DemandTracker(arrivals, Math.max(0, inFlight - 1), lastArrival);
  }

  /** The same, without the arrivals {@code window} or more before {@code now}. */
  DemandTracker forgetOlderThan(Instant now, Duration window) {
    Instant since = now.minus(window);
    int first = 0;
    while (first < arrivals.size() && !arrivals.get(first).at().isAfter(since)) {
      first++;
    }
    return first == 0
        ? this
        : new DemandTracker(arrivals.subList(first, arrivals.size()), inFlight, lastArrival);
  }

  /**
   * The demand within {@code window} before {@code now}; {@code recent} is how far back arrivals
   * count as recent (a replacement's start latency).
   */
  PoolSizing.Demand demand(Instant now, Duration window, Duration recent) {
    Instant since = now.minus(window);
    Instant recentSince = now.minus(recent);
    int peak = inFlight;
    int within = 0;
    int recentArrivals = 0;
    for (Arrival a : arrivals) {
      if (!a.at().isAfter(since)) {
        continue;
      }
      within++;
      peak = Math.max(peak, a.inFlight());
      if (a.at().isAfter(recentSince)) {
        recentArrivals++;
      }
    }
    return new PoolSizing.Demand(within, peak, lastArrival, recentArrivals);
  }
}
