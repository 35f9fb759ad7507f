package dev.faas.actors.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.routing.Routing.Candidate;
import dev.faas.actors.routing.Routing.DropMeans;
import dev.faas.actors.routing.Routing.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of decision 0005, as tables. */
class RoutingTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(1);

  private static Candidate c(String id, int free, boolean holds, boolean recent) {
    return new Candidate(id, free, holds, recent);
  }

  @Test
  void choosesAmongRecentWarmWorkersWithAFreeSlotTheOneWithTheMostFreeSlots() {
    List<Candidate> workers =
        List.of(
            c("cold", 8, false, true), // most free, but holds nothing for the function
            c("stale", 7, true, false), // warm, but its announcement is too old
            c("full", 0, true, true), // warm, but no free slot
            c("two", 2, true, true),
            c("three", 3, true, true));
    assertEquals(Optional.of("three"), Routing.choose(workers, n -> 0));
  }

  @ParameterizedTest
  @CsvSource({"0,a", "1,b"})
  void tiesAreBrokenByTheRandomPick(int index, String chosen) {
    List<Candidate> workers = List.of(c("a", 3, true, true), c("b", 3, true, true));
    assertEquals(Optional.of(chosen), Routing.choose(workers, n -> {
      assertEquals(2, n);
      return index;
    }));
  }

  @Test
  void noWarmWorkerMeansTheSharedQueue() {
    assertEquals(Optional.empty(), Routing.choose(List.of(), n -> 0));
    assertEquals(
        Optional.empty(),
        Routing.choose(List.of(c("a", 4, false, true), c("b", 0, true, true)), n -> 0));
  }

  @ParameterizedTest(name = "routed={0}, activation acceptBy +{1}s → request acceptBy +{2}ms")
  @CsvSource({
    "true, 30, 1000", // the route's short deadline
    "true, 0, 0", // never later than the activation's own
    "false, 30, 30000" // queued for anyone: the activation's own
  })
  void theRequestsAcceptByIsTheRoutesOrTheActivationsWhicheverIsSooner(
      boolean routed, long activationSeconds, long expectedMillis) {
    Route route = Route.start(T0, routed ? Optional.of("w1") : Optional.empty());
    assertEquals(
        T0.plusMillis(expectedMillis),
        route.acceptBy(T0, T0.plusSeconds(activationSeconds), ROUTE_TIMEOUT));
  }

  @ParameterizedTest(name = "first={0}, fell back={1}, drop by {2} → {3}")
  @CsvSource({
    "w1, false, w1, FALL_BACK", // the routed worker dropped it: any worker now
    "w1, false, w2, FALL_BACK", // (only the routed worker can have pulled a routed request)
    "w1, true, w1, IGNORE", // the routed worker's late drop after the fallback
    "w1, true, w2, FAILED", // another worker dropped the request queued for any
    ", false, w2, FAILED" // never routed
  })
  void whatADropMeans(String first, boolean fellBack, String by, DropMeans expected) {
    Route route = Route.start(T0, Optional.ofNullable(first));
    if (fellBack) {
      route = route.fallBack();
    }
    assertEquals(expected, route.onDrop(by));
  }

  @Test
  void aFallbackKeepsTheFirstSubmitTimeAndWorker() {
    Route route = Route.start(T0, Optional.of("w1")).fallBack();
    assertFalse(route.routed());
    assertEquals(T0, route.submittedAt());
    assertEquals("w1", route.first());
  }

  @ParameterizedTest(name = "shared in flight={0} for {1}, free {2} → routed pull {3}")
  @CsvSource({
    "false, 0, 1, true",
    "false, 0, 0, false", // no free slot
    "true, 3, 3, true", // the shared pull may bring 3 into 3 places: one routed over at most
    "true, 3, 2, false", // a routed item took one of its places: wait for the shared pull
    "true, 1, 4, true"
  })
  void aRoutedPullNeverBringsAWorkerTwoOverItsSlots(
      boolean sharedInFlight, int sharedMax, int free, boolean expected) {
    assertEquals(expected, Routing.mayPullRouted(sharedInFlight, sharedMax, free));
  }

  @Test
  void withRoutingOneItemOverTheSlotsHasAPlace() {
    assertTrue(Routing.hasPlace(0, true));
    assertFalse(Routing.hasPlace(-1, true));
    assertFalse(Routing.hasPlace(0, false));
    assertTrue(Routing.hasPlace(1, false));
  }
}
