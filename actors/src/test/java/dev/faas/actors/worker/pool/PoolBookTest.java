package dev.faas.actors.worker.pool;

import static dev.faas.actors.worker.pool.BookDriver.key;
import static dev.faas.actors.worker.pool.PoolHarness.function;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pool's rules on its book alone: no actor, no timers, a clock the test sets. */
class PoolBookTest {
  private static final PoolKey K = key("echo");
  private static final FunctionSpec FN = function("fn-a", "echo", 1000);

  /** A driver whose key {@link #K} holds one idle container, asked for by {@link #FN}. */
  private static BookDriver withOneIdle(PoolSettings settings) {
    BookDriver d = new BookDriver(settings, 8);
    d.release(K, d.acquire(K, FN));
    assertEquals(1, d.tickets().size(), "the miss asks for a replacement");
    d.arrive(d.tickets().get(0));
    assertEquals(1, d.stats().idle());
    return d;
  }

  @Test
  void aMissIsReplacedOnceTheActivationEndsAndTheReplacementIsHandedOutOnce() {
    BookDriver d = new BookDriver(PoolSettings.defaults(), 8);
    PoolEffect miss = d.acquire(K, FN);
    assertInstanceOf(PoolEffect.Miss.class, miss);
    assertTrue(d.starts().isEmpty(), "nothing starts while the activation runs");
    assertEquals(List.of(new PoolEffect.DeferStarts(PoolSettings.defaults().startDefer())),
        d.of(PoolEffect.DeferStarts.class));

    d.release(K, miss);
    assertEquals(1, d.of(PoolEffect.CancelDefer.class).size());
    assertEquals(List.of(K), d.starts().stream().map(PoolEffect.StartContainer::key).toList());
    Container idle = d.arrive(d.tickets().get(0));
    assertEquals(List.of(new PoolEffect.WatchExit(K, idle)), d.of(PoolEffect.WatchExit.class));

    d.pass(Duration.ofSeconds(1));
    PoolEffect warm = d.acquire(K, FN);
    assertEquals(new PoolEffect.HandOut(idle, ((PoolEffect.Miss) miss).lease()), warm);
    assertTrue(d.starts().isEmpty(), "the replacement waits for the warm one's run");
    assertInstanceOf(PoolEffect.Miss.class, d.acquire(K, function("fn-b", "echo", 1000)),
        "the one idle container went to the first");

    d.apply(d.book.deferEnded(d.now));
    assertEquals(2, d.starts().size(), "startDefer is over: two ran at once, two start anyway");
    PoolStats s = d.stats();
    assertEquals(List.of(1L, 2L, 1L), List.of(s.counts().handedOut(), s.counts().missed(), s.counts().started()));
    assertEquals(2, s.busy());
    assertEquals(List.of(Fns.OWNER + ".fn-a", Fns.OWNER + ".fn-b"), s.keys().get(0).functions());
  }

  @Test
  void anIdleContainerThatExitsIsRemovedAndReplacedAtOnce() {
    BookDriver d = withOneIdle(PoolHarness.settings(4, 16));
    Container dead = d.book.idleContainers().get(0);
    d.exits(K, dead);
    assertEquals(List.of(dead), d.removed());
    assertEquals(1, d.starts().size(), "a first death is retried at once");
    assertEquals(1, d.stats().counts().replacedAfterDeath());
    d.apply(d.book.idleExited(K, dead.id(), d.now));
    assertTrue(d.last.isEmpty(), "an exit told twice counts once");
  }

  @Test
  void anExitSeenBeforeThePoolHearsOfItIsNeverHandedOut() {
    BookDriver d = withOneIdle(PoolHarness.settings(4, 16));
    Container dead = d.book.idleContainers().get(0);
    d.exited.add(dead.id());
    assertInstanceOf(PoolEffect.Miss.class, d.acquire(K, FN));
    assertEquals(List.of(dead), d.removed());
    assertEquals(1, d.stats().counts().replacedAfterDeath());
  }

  /** Failures in a row: the pause before the key's next pre-start (min 1 s, max 30 s). */
  @ParameterizedTest(name = "{0}: retried after {1} ms")
  @CsvSource({"engine down, 0", "engine down twice, 1000", "engine down three times, 2000",
      "image missing, 30000"})
  void failedStartsBackTheirKeyOff(String failures, long pauseMs) {
    BookDriver d = new BookDriver(PoolHarness.settings(1, 16), 8);
    d.release(K, d.acquire(K, FN));
    int times = failures.endsWith("twice") ? 2 : failures.endsWith("three times") ? 3 : 1;
    RuntimeException failure = failures.startsWith("image")
        ? new ContainerFailure.ImageNotFound("echo", null)
        : new ContainerFailure.EngineUnavailable("down", null);
    for (int i = 0; i < times; i++) {
      if (d.tickets().isEmpty()) {
        d.pass(Duration.ofSeconds(i)); // the pause after i failures: 1 s after 2
        d.apply(d.book.tick(d.now));
      }
      assertEquals(1, d.tickets().size(), "try " + (i + 1));
      d.fail(d.tickets().get(0), failure);
    }
    assertEquals(times, d.stats().counts().startFailures());
    if (pauseMs > 0) {
      assertTrue(d.starts().isEmpty(), "not at once");
      d.pass(Duration.ofMillis(pauseMs - 1));
      d.apply(d.book.tick(d.now));
      assertTrue(d.starts().isEmpty(), "not before the pause is over");
      d.pass(Duration.ofMillis(1));
      d.apply(d.book.tick(d.now));
    }
    assertEquals(1, d.starts().size(), "retried once the pause is over");
  }

  @Test
  void repeatedDeathsBackTheKeyOffAndAHandOutEndsTheRun() {
    BookDriver d = withOneIdle(PoolHarness.settings(1, 16));
    d.exits(K, d.book.idleContainers().get(0));
    d.arrive(d.tickets().get(0));
    d.exits(K, d.book.idleContainers().get(0));
    assertTrue(d.starts().isEmpty(), "a second death waits backoffMin");
    d.pass(Duration.ofSeconds(1));
    d.apply(d.book.tick(d.now));
    d.arrive(d.tickets().get(0));
    d.pass(Duration.ofSeconds(1));
    assertInstanceOf(PoolEffect.HandOut.class, d.acquire(K, FN));
    assertEquals(0, d.book.keys().get(K).failures(), "a container handed out ends the run");
  }

  @Test
  void aStartThatTimesOutIsAFailureAndItsLateContainerIsRemoved() {
    BookDriver d = new BookDriver(PoolHarness.settings(4, 16), 8);
    d.release(K, d.acquire(K, FN));
    long late = d.tickets().get(0);
    d.apply(d.book.startTimedOut(late, d.now));
    assertEquals(1, d.stats().counts().startFailures());
    assertEquals(1, d.starts().size(), "retried at once after a first failure");
    Container arrived = d.container();
    d.apply(d.book.started(late, arrived, null, d.now));
    assertEquals(List.of(arrived), d.removed());
    assertEquals(0, d.stats().idle());
    assertEquals(0, d.stats().counts().started());
  }

  @Test
  void aChangedOrRemovedFunctionEmptiesEveryKeyItUsedForEveryFunctionSharingThem() {
    BookDriver d = withOneIdle(PoolHarness.settings(4, 16));
    PoolKey other = key("stderr");
    d.release(K, d.acquire(K, function("fn-b", "echo", 1000)));
    d.release(other, d.acquire(other, function("fn-c", "stderr", 1000)));
    d.arriveAll();
    List<Container> shared = d.book.keys().get(K).idle().stream().map(i -> i.container()).toList();
    assertEquals(2, shared.size(), "two calls back to back on the shared key: two wanted");
    assertEquals(1, d.book.keys().get(other).idle().size());

    d.apply(d.book.functionGone(new FunctionId(Fns.OWNER, "fn-b"), "changed", d.now));
    assertEquals(shared, d.removed());
    PoolStats s = d.stats();
    assertEquals(2, s.counts().invalidated());
    assertEquals(List.of("stderr"), s.keys().stream().map(PoolStats.KeyStats::image).toList(),
        "fn-a's key went with fn-b's");
    assertInstanceOf(PoolEffect.Miss.class, d.acquire(K, FN), "cold again");

    PoolBook before = d.book;
    d.apply(d.book.functionGone(new FunctionId(Fns.OWNER, "never-seen"), "removed", d.now));
    assertTrue(d.last.isEmpty());
    assertSame(before, d.book, "nothing to empty: nothing changes");
  }

  @Test
  void aStartInFlightForAnEmptiedKeyIsRemovedOnArrival() {
    BookDriver d = new BookDriver(PoolHarness.settings(4, 16), 8);
    PoolEffect miss = d.acquire(K, FN);
    d.release(K, miss);
    long ticket = d.tickets().get(0);
    d.apply(d.book.functionGone(new FunctionId(Fns.OWNER, "fn-a"), "changed", d.now));
    assertTrue(d.stats().keys().isEmpty());
    PoolEffect again = d.acquire(K, FN);
    assertNotEquals(((PoolEffect.Miss) miss).lease(), ((PoolEffect.Miss) again).lease(),
        "a new page for the key");
    d.release(K, miss);
    assertEquals(1, d.stats().busy(), "a grant of the emptied page releases nothing of the new");
    Container arrived = d.arrive(ticket);
    assertEquals(List.of(arrived), d.removed());
    assertTrue(d.book.idleContainers().isEmpty());
  }

  @Test
  void idleContainersAreRecycledAtMaxIdleAgeAndRetiredAfterTheIdleTtl() {
    BookDriver d = withOneIdle(PoolSettings.defaults());
    Container first = d.book.idleContainers().get(0);
    d.pass(Duration.ofSeconds(89));
    d.apply(d.book.tick(d.now));
    assertTrue(d.removed().isEmpty(), "young enough");
    d.pass(Duration.ofSeconds(1));
    d.apply(d.book.tick(d.now));
    assertEquals(List.of(first), d.removed());
    assertEquals(1, d.starts().size(), "still wanted: replaced");
    d.arriveAll();
    assertEquals(1, d.stats().counts().recycled());

    d.pass(Duration.ofSeconds(30));
    d.apply(d.book.tick(d.now));
    assertEquals(1, d.removed().size(), "two minutes without a call");
    PoolStats s = d.stats();
    assertEquals(1, s.counts().retired());
    assertTrue(s.keys().isEmpty(), "the key is forgotten");
  }

  /** Sweep age 435 s; a runner holds a container for its timeout plus 16 s at most. */
  @ParameterizedTest(name = "{0} s old, {1} ms timeout: handed out {2}")
  @CsvSource({"0, 1000, true", "150, 1000, true", "150, 300000, false", "118, 300000, true",
      "119, 300000, false"})
  void onlyAContainerThatEndsBeforeTheSweepIsHandedOut(long ageS, int timeoutMs, boolean warm) {
    PoolSettings s = PoolSettings.defaults();
    PoolSettings longLived = new PoolSettings(true, 4, 16, Duration.ofMinutes(10), s.window(),
        s.startLatency(), Duration.ofSeconds(200), s.maxStarting(), s.tick(), s.startTimeout(),
        s.backoffMin(), s.backoffMax(), s.askTimeout(), Duration.ZERO);
    BookDriver d = new BookDriver(
        new PoolSetup("w1", "faas-test", 8, Duration.ofSeconds(435), BookDriver.RUN_TAIL,
            longLived));
    d.release(K, d.acquire(K, FN));
    Container idle = d.arrive(d.tickets().get(0));
    d.pass(Duration.ofSeconds(ageS));
    Container got = d.acquireWarm(K, function("fn-x", "echo", timeoutMs));
    assertEquals(warm ? idle : null, got);
    assertEquals(warm ? 0 : 1, d.stats().counts().recycled());
  }

  @Test
  void boundsPerKeyPerWorkerAndOnStartsInFlightHoldUnderABurst() {
    BookDriver d = new BookDriver(PoolHarness.settings(3, 5), 8);
    for (int k = 1; k <= 6; k++) {
      for (int i = 0; i < 6; i++) {
        d.acquire(key("echo" + k), function("fn-" + k, "echo" + k, 1000));
        d.assertHeldWithinBounds(3, 5);
        assertTrue(d.book.starts().size() <= 4, "maxStarting");
      }
    }
    while (!d.book.starts().isEmpty()) {
      d.arrive(d.tickets().get(0));
      d.assertHeldWithinBounds(3, 5);
    }
    assertEquals(5, d.stats().idle());
    assertTrue(d.stats().keys().stream().allMatch(k -> k.target() >= 0 && k.target() <= 1),
        "every busy key gets one before any gets two");
  }

  @Test
  void aKeyNeverHoldsMoreThanTheWorkerHasSlots() {
    BookDriver d = new BookDriver(PoolHarness.settings(10, 16), 2);
    for (int i = 0; i < 6; i++) {
      d.acquire(K, FN);
    }
    d.arriveAll();
    assertEquals(2, d.stats().idle());
    assertEquals(2, d.stats().keys().get(0).target());
  }

  @Test
  void aDrainRemovesEveryIdleContainerAndAnswersOnceTheStartsInFlightAreGoneToo() {
    BookDriver d = new BookDriver(PoolHarness.settings(4, 16), 8);
    for (int k = 1; k <= 3; k++) {
      d.release(key("echo" + k), d.acquire(key("echo" + k), function("fn-" + k, "e", 1000)));
      d.arriveAll();
    }
    d.release(key("echo4"), d.acquire(key("echo4"), function("fn-4", "e", 1000)));
    long inFlight = d.tickets().get(0);
    Set<Container> idle = new HashSet<>(d.book.idleContainers());

    d.apply(d.book.drain());
    assertEquals(idle, new HashSet<>(d.removed()));
    assertTrue(d.stats().drained());
    assertEquals(0, d.stats().idle() + d.stats().starting());
    d.apply(d.book.drainRemovalsDone());
    assertTrue(d.of(PoolEffect.DrainDone.class).isEmpty(), "not while one is still starting");
    Container late = d.arrive(inFlight);
    assertEquals(List.of(late), d.removed());
    assertTrue(d.of(PoolEffect.DrainDone.class).isEmpty(), "not before the late one is gone");
    d.apply(d.book.drainRemovalsDone());
    assertEquals(List.of(new PoolEffect.DrainDone(4)), d.of(PoolEffect.DrainDone.class),
        "the late one counted");

    assertEquals(new PoolEffect.Miss(0), d.acquire(key("echo1"), function("fn-1", "e", 1000)));
    d.pass(Duration.ofSeconds(5));
    d.apply(d.book.tick(d.now));
    assertTrue(d.last.isEmpty(), "nothing pre-started after the drain");
    d.apply(d.book.drain());
    assertEquals(List.of(new PoolEffect.AlreadyDrained()), d.last);
  }

  @Test
  void aDrainWithAStartThatTimesOutAnswersAtTheTimeOut() {
    BookDriver d = new BookDriver(PoolHarness.settings(4, 16), 8);
    d.release(K, d.acquire(K, FN));
    long ticket = d.tickets().get(0);
    d.apply(d.book.drain());
    d.apply(d.book.drainRemovalsDone());
    d.apply(d.book.startTimedOut(ticket, d.now));
    assertEquals(List.of(new PoolEffect.DrainDone(0)), d.last);
  }

  @Test
  void theBookIsAValueEveryOperationLeavesUntouched() {
    BookDriver d = withOneIdle(PoolSettings.defaults());
    PoolBook before = d.book;
    PoolStats stats = before.stats();
    List<PoolBook.Step> steps = new ArrayList<>();
    steps.add(before.acquire(K, FN, d.now, c -> false));
    steps.add(before.tick(d.now.plusSeconds(300)));
    steps.add(before.functionGone(new FunctionId(Fns.OWNER, "fn-a"), "removed", d.now));
    steps.add(before.drain());
    for (PoolBook.Step step : steps) {
      assertNotEquals(before, step.book());
    }
    assertEquals(stats, before.stats(), "the first book still says what it said");
    assertFalse(before.drainState().drained());
  }
}
