package dev.faas.actors.worker.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DemandTrackerTest {
  private static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final Duration RECENT = Duration.ofMillis(500);

  @Test
  void countsArrivalsWithinTheWindowOnly() {
    DemandTracker d = new DemandTracker();
    d = d.arrive(T0);
    d = d.release();
    d = d.arrive(T0.plusSeconds(30));
    d = d.release();
    assertEquals(new PoolSizing.Demand(2, 1, T0.plusSeconds(30)), d.demand(T0.plusSeconds(59),
        WINDOW, RECENT));
    assertEquals(new PoolSizing.Demand(1, 1, T0.plusSeconds(30)), d.demand(T0.plusSeconds(60),
        WINDOW, RECENT));
    assertEquals(new PoolSizing.Demand(0, 0, T0.plusSeconds(30)), d.demand(T0.plusSeconds(91),
        WINDOW, RECENT), "the last arrival is remembered past the window, for the idle TTL");
  }

  @Test
  void peakConcurrencyIsTheMostInFlightWithinTheWindow() {
    DemandTracker d = new DemandTracker();
    d = d.arrive(T0);
    d = d.arrive(T0);
    d = d.arrive(T0.plusSeconds(1));
    d = d.release();
    d = d.release();
    assertEquals(1, d.inFlight());
    assertEquals(3, d.demand(T0.plusSeconds(2), WINDOW, RECENT).peakConcurrency());
    assertEquals(1, d.demand(T0.plusSeconds(120), WINDOW, RECENT).peakConcurrency(),
        "past the window only what is in flight now counts");
  }

  @Test
  void arrivalsWithinTheStartLatencyAreRecent() {
    DemandTracker d = new DemandTracker();
    Instant t = T0;
    for (int i = 0; i < 5; i++) {
      d = d.arrive(t);
      d = d.release();
      t = t.plusMillis(100);
    }
    // Arrivals at 0, 100, 200, 300 and 400 ms; asked at 500 ms, the last 500 ms hold four.
    assertEquals(4, d.demand(T0.plusMillis(500), WINDOW, RECENT).recentArrivals());
    assertEquals(0, d.demand(T0.plusSeconds(2), WINDOW, RECENT).recentArrivals());
  }

  @Test
  void releasesNeverGoBelowZero() {
    DemandTracker d = new DemandTracker();
    d = d.release();
    d = d.arrive(T0);
    assertEquals(1, d.inFlight());
  }

  @Test
  void remembersABoundedNumberOfArrivals() {
    DemandTracker d = new DemandTracker();
    for (int i = 0; i < DemandTracker.MAX_REMEMBERED + 10; i++) {
      d = d.arrive(T0);
      d = d.release();
    }
    assertEquals(DemandTracker.MAX_REMEMBERED, d.demand(T0, WINDOW, RECENT).arrivals());
  }

  @Test
  void forgetsWhatLeavesTheWindowAsItMovesOverManyArrivals() {
    DemandTracker d = new DemandTracker();
    for (int i = 0; i < 300; i++) {
      Instant now = T0.plusSeconds(i);
      d = d.arrive(now).release().forgetOlderThan(now, WINDOW);
      assertEquals(Math.min(i + 1, 60), d.demand(now, WINDOW, RECENT).arrivals(), "at " + i);
    }
  }

  @Test
  void aTrackerIsAValueItsSuccessorsLeaveUntouched() {
    DemandTracker d = new DemandTracker().arrive(T0);
    DemandTracker twice = d.arrive(T0.plusSeconds(1));
    DemandTracker other = d.arrive(T0.plusSeconds(2)).arrive(T0.plusSeconds(3));
    assertEquals(1, d.demand(T0.plusSeconds(5), WINDOW, RECENT).arrivals());
    assertEquals(2, twice.demand(T0.plusSeconds(5), WINDOW, RECENT).arrivals());
    assertEquals(new PoolSizing.Demand(3, 3, T0.plusSeconds(3), 0),
        other.demand(T0.plusSeconds(5), WINDOW, RECENT));
  }
}
