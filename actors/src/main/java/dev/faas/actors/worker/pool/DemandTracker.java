package dev.faas.actors.worker.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One key's recent acquisitions and how many of them are in flight, for {@link PoolSizing}. Not
 * thread-safe: it lives inside the pool actor.
 */
final class DemandTracker {
  /** Beyond this many arrivals in a window every bound is reached anyway. */
  static final int MAX_REMEMBERED = 4096;

  private record Arrival(Instant at, int inFlight) {}

  private final ArrayDeque<Arrival> arrivals = new ArrayDeque<>();
  private int inFlight;
  private Instant lastArrival;

  /** An acquisition now: it is in flight until {@link #release()}. */
  void arrive(Instant now) {
    inFlight++;
    lastArrival = now;
    if (arrivals.size() == MAX_REMEMBERED) {
      arrivals.removeFirst();
    }
    arrivals.addLast(new Arrival(now, inFlight));
  }

  /** An acquired container is done with (run, or its start failed). */
  void release() {
    inFlight = Math.max(0, inFlight - 1);
  }

  int inFlight() {
    return inFlight;
  }

  /**
   * The demand within {@code window} before {@code now}, forgetting older arrivals; {@code recent}
   * is how far back arrivals count as recent (a replacement's start latency).
   */
  PoolSizing.Demand demand(Instant now, Duration window, Duration recent) {
    Instant since = now.minus(window);
    while (!arrivals.isEmpty() && !arrivals.peekFirst().at().isAfter(since)) {
      arrivals.removeFirst();
    }
    int peak = inFlight;
    int recentArrivals = 0;
    Instant recentSince = now.minus(recent);
    for (Arrival a : arrivals) {
      peak = Math.max(peak, a.inFlight());
      if (a.at().isAfter(recentSince)) {
        recentArrivals++;
      }
    }
    return new PoolSizing.Demand(arrivals.size(), peak, lastArrival, recentArrivals);
  }
}
