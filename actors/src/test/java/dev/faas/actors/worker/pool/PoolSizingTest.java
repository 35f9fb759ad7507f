package dev.faas.actors.worker.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolSizingTest {
  private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private static PoolSizing.Bounds bounds(int perKey, int total, int slots) {
    return new PoolSizing.Bounds(perKey, total, slots, Duration.ofSeconds(60),
        Duration.ofSeconds(120), Duration.ofMillis(500));
  }

  /** lastAgoSeconds -1: never acquired. */
  private static PoolSizing.Demand demand(int arrivals, int peak, int lastAgoSeconds) {
    return new PoolSizing.Demand(arrivals, peak,
        lastAgoSeconds < 0 ? null : NOW.minusSeconds(lastAgoSeconds));
  }

  @ParameterizedTest(name = "{6}")
  @CsvSource({
    // arrivals, peak, last ago (s), per key, slots, wanted, case
    "0,   0, -1, 4, 8, 0, never acquired",
    "1,   1, 10, 4, 8, 1, acquired once a moment ago",
    "0,   0, 90, 4, 8, 1, nothing in the window but within the idle TTL",
    "0,   0, 120, 4, 8, 0, idle TTL just passed",
    "5,   3, 500, 4, 8, 0, idle TTL long passed",
    "1,   3, 1, 4, 8, 3, three were in flight at once",
    "240, 1, 0, 4, 8, 2, four a second for 500 ms of start: two",
    "241, 1, 0, 4, 8, 3, a little more than that: three",
    "600, 1, 0, 4, 8, 4, ten a second: capped per key",
    "1,   6, 0, 4, 8, 4, six at once: capped per key",
    "1,   6, 0, 8, 2, 2, six at once on a two-slot worker: capped by slots",
    "600, 1, 0, 0, 8, 0, no pooling per key",
  })
  void wantedPerKey(int arrivals, int peak, int lastAgo, int perKey, int slots, int wanted,
      String ignored) {
    assertEquals(wanted,
        PoolSizing.wanted(demand(arrivals, peak, lastAgo), NOW, bounds(perKey, 16, slots)));
  }

  @ParameterizedTest(name = "{1} recent arrivals: {2}")
  @CsvSource({
    "0, 1, none recent: the window's rate decides",
    "1, 1, one caller now and then",
    "3, 3, a caller calling back to back outruns one replacement: three",
    "9, 4, faster still: capped per key",
  })
  void aCallerCallingBackToBackIsServedWarm(int recent, int wanted, String ignored) {
    PoolSizing.Demand demand = new PoolSizing.Demand(recent, 1, NOW, recent);
    assertEquals(wanted, PoolSizing.wanted(demand, NOW, bounds(4, 16, 8)));
  }

  @ParameterizedTest(name = "{3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // wanted per key | arrivals per key | total | targets (in key order) | case
        "4,4,4 | 30,20,10 | 16 | 4,4,4 | all fit",
        "4,4,4 | 30,20,10 | 5  | 2,2,1 | one each before two each, busiest first",
        "4,4,4 | 10,20,30 | 5  | 1,2,2 | busiest first, whatever the input order",
        "4,4,4 | 30,20,10 | 2  | 1,1,0 | fewer than keys: the quietest gets none",
        "1,4   | 50,10    | 3  | 1,2   | a key that wants one keeps it",
        "0,2   | 0,10     | 5  | 0,2   | a key past its TTL gets none",
        "3,3   | 10,10    | 0  | 0,0   | no pool at all",
      })
  void targetsWithinTheTotal(String wanted, String arrivals, int total, String expected) {
    int[] w = ints(wanted);
    int[] a = ints(arrivals);
    Map<String, PoolSizing.Demand> demands = new LinkedHashMap<>();
    for (int i = 0; i < w.length; i++) {
      // arrivals of at most 30 a minute never ask for more than one by rate: peak decides
      demands.put("k" + i, w[i] == 0 ? demand(a[i], 0, 600) : demand(a[i], w[i], i));
    }
    LinkedHashMap<String, Integer> targets = PoolSizing.targets(demands, NOW, bounds(4, total, 8));
    List<Integer> inKeyOrder = new ArrayList<>();
    for (int i = 0; i < w.length; i++) {
      inKeyOrder.add(targets.get("k" + i));
    }
    assertEquals(Arrays.stream(ints(expected)).boxed().toList(), inKeyOrder);
    assertEquals(w.length, targets.size());
  }

  @ParameterizedTest(name = "ties go to the latest: {0}")
  @CsvSource({"5, 10, a", "10, 5, b"})
  void tiesGoToTheMostRecentlyUsed(int aAgo, int bAgo, String first) {
    Map<String, PoolSizing.Demand> demands = new LinkedHashMap<>();
    demands.put("a", demand(3, 2, aAgo));
    demands.put("b", demand(3, 2, bAgo));
    LinkedHashMap<String, Integer> targets = PoolSizing.targets(demands, NOW, bounds(4, 1, 8));
    assertEquals(first, targets.keySet().iterator().next());
    assertEquals(1, targets.get(first));
  }

  @ParameterizedTest(name = "{0} failures: {1} ms")
  @CsvSource({"0, 0", "1, 0", "2, 1000", "3, 2000", "4, 4000", "6, 16000", "7, 30000",
      "100, 30000"})
  void backoffDoublesFromTheSecondFailure(int failures, long millis) {
    assertEquals(Duration.ofMillis(millis),
        PoolSizing.backoff(failures, Duration.ofSeconds(1), Duration.ofSeconds(30)));
  }

  @ParameterizedTest(name = "age {0} s + run {1} s vs sweep {2} s: {3}")
  @CsvSource({"0, 316, 435, true", "118, 316, 435, true", "119, 316, 435, false",
      "200, 316, 435, false", "200, 16, 435, true"})
  void handedOutOnlyIfGoneBeforeTheSweep(long age, long run, long sweep, boolean fits) {
    assertEquals(fits, PoolSizing.fitsBeforeSweep(Duration.ofSeconds(age),
        Duration.ofSeconds(run), Duration.ofSeconds(sweep)));
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.trim().split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  }
}
