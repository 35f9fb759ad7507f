package dev.faas.actors.worker.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * One key's recent acquisitions and how many of them are in flight, for {@link PoolSizing}. An
 * immutable value: every change returns the next tracker. Arrivals are kept, oldest first, in
 * chunks of {@value #CHUNK} that are never written once shared (an arrival copies only the newest
 * chunk), as plain numbers: the sizing reads all of them on every message of the pool.
 */
final class DemandTracker {
  /** Beyond this many arrivals in a window every bound is reached anyway. */
  static final int MAX_REMEMBERED = 4096;

  private static final int CHUNK = 64;

  /**
   * Arrivals {@code from} to {@code to} (excluded) of arrays no one writes any more: when each
   * arrived (nanoseconds of the epoch) and how many of the key's were in flight once it had.
   */
  private record Chunk(long[] at, int[] inFlight, int from, int to) {
    int size() {
      return to - from;
    }
  }

  private static final Chunk[] NONE = new Chunk[0];

  private final Chunk[] chunks;
  private final int size;
  private final int inFlight;
  private final Instant lastArrival;

  /** No acquisition yet. */
  DemandTracker() {
    this(NONE, 0, 0, null);
  }

  private DemandTracker(Chunk[] chunks, int size, int inFlight, Instant lastArrival) {
    this.chunks = chunks;
    this.size = size;
    this.inFlight = inFlight;
    this.lastArrival = lastArrival;
  }

  int inFlight() {
    return inFlight;
  }

  /** An acquisition now: it is in flight until {@link #release()}. */
  DemandTracker arrive(Instant now) {
    int flying = inFlight + 1;
    long at = nanos(now);
    Chunk[] next;
    Chunk last = chunks.length == 0 ? null : chunks[chunks.length - 1];
    if (last != null && last.to() < CHUNK) {
      long[] ats = Arrays.copyOf(last.at(), CHUNK);
      int[] flights = Arrays.copyOf(last.inFlight(), CHUNK);
      ats[last.to()] = at;
      flights[last.to()] = flying;
      next = chunks.clone();
      next[next.length - 1] = new Chunk(ats, flights, last.from(), last.to() + 1);
    } else {
      long[] ats = new long[CHUNK];
      int[] flights = new int[CHUNK];
      ats[0] = at;
      flights[0] = flying;
      next = Arrays.copyOf(chunks, chunks.length + 1);
      next[chunks.length] = new Chunk(ats, flights, 0, 1);
    }
    DemandTracker more = new DemandTracker(next, size + 1, flying, now);
    return more.size > MAX_REMEMBERED ? more.dropOldest(1) : more;
  }

  /** An acquired container is done with (run, or its start failed). */
  DemandTracker release() {
    return new DemandTracker(chunks, size, Math.max(0, inFlight - 1), lastArrival);
  }

  /** The same, without the arrivals {@code window} or more before {@code now}. */
  DemandTracker forgetOlderThan(Instant now, Duration window) {
    long since = nanos(now.minus(window));
    int old = 0;
    for (Chunk c : chunks) {
      for (int i = c.from(); i < c.to(); i++) {
        if (c.at()[i] > since) {
          return old == 0 ? this : dropOldest(old);
        }
        old++;
      }
    }
    return old == 0 ? this : dropOldest(old);
  }

  /**
   * The demand within {@code window} before {@code now}; {@code recent} is how far back arrivals
   * count as recent (a replacement's start latency).
   */
  PoolSizing.Demand demand(Instant now, Duration window, Duration recent) {
    long since = nanos(now.minus(window));
    long recentSince = nanos(now.minus(recent));
    int peak = inFlight;
    int within = 0;
    int recentArrivals = 0;
    for (Chunk c : chunks) {
      long[] at = c.at();
      int[] flights = c.inFlight();
      for (int i = c.from(); i < c.to(); i++) {
        if (at[i] > since) {
          within++;
          peak = Math.max(peak, flights[i]);
          if (at[i] > recentSince) {
            recentArrivals++;
          }
        }
      }
    }
    return new PoolSizing.Demand(within, peak, lastArrival, recentArrivals);
  }

  private DemandTracker dropOldest(int n) {
    int first = 0;
    int left = n;
    while (first < chunks.length && chunks[first].size() <= left) {
      left -= chunks[first].size();
      first++;
    }
    Chunk[] next = Arrays.copyOfRange(chunks, first, chunks.length);
    if (left > 0) {
      Chunk c = next[0];
      next[0] = new Chunk(c.at(), c.inFlight(), c.from() + left, c.to());
    }
    return new DemandTracker(next, size - n, inFlight, lastArrival);
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }
}
