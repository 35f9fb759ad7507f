package dev.faas.actors.worker.pool;

import static dev.faas.actors.worker.pool.PoolHarness.function;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.runtime.PreCall;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import dev.faas.actors.worker.ContainerSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool through its container source, as runners use it; timers on a clock the test moves. */
@Timeout(60)
class WarmPoolTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime manualTime = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static PoolHarness harness(PoolSettings settings) {
    return new PoolHarness(testKit, manualTime, settings, 8);
  }

  private static FakeRuntime.FakeContainer fake(PoolHarness h, ContainerSource.Acquired a) {
    return h.runtime.container(a.container().id());
  }

  @Test
  void coldOnAMissThenWarmWithAReplacementStarted() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      ContainerSource.Acquired first = h.acquire(fn);
      assertFalse(first.warm());
      assertTrue(fake(h, first).spec().labels().containsKey(ContainerSpec.ACTIVATION_LABEL),
          "a cold container is the activation's own");
      first.container().remove();
      h.awaitStats("one pre-started", s -> s.idle() == 1 && s.starting() == 0);
      String idle = h.runtime.livePooled().get(0).id();
      // Not back to back: a second call within a start latency would ask for a second container.
      h.pass(Duration.ofSeconds(1));

      ContainerSource.Acquired second = h.acquire(fn);
      assertTrue(second.warm());
      assertEquals(idle, second.container().id());
      FakeRuntime.FakeContainer warm = fake(h, second);
      assertFalse(warm.ran(), "untouched");
      assertEquals(0, warm.removes());
      assertTrue(warm.spec().args().isEmpty());
      assertNull(warm.spec().labels().get(ContainerSpec.ACTIVATION_LABEL));
      assertEquals("w1", warm.spec().labels().get(ContainerSpec.WORKER_LABEL));
      h.runtime.fake.preCall(new PreCall(9L, true));
      assertEquals(
          Optional.of(new PreCall(9L, true)),
          second.container().preCall(),
          "what it did before the call reaches the runner");

      // The replacement waits while the warm one runs, startDefer at most, then starts anyway.
      PoolStats running = h.stats();
      assertEquals(0, running.starting(), "deferred while an activation runs: " + running);
      assertEquals(1, running.counts().started());
      h.pass(PoolSettings.defaults().startDefer());
      PoolStats s = h.awaitStats("replaced in the background",
          st -> st.idle() == 1 && st.counts().started() == 2);
      assertEquals(1, s.counts().handedOut());
      assertEquals(1, s.counts().missed());
      assertEquals(1, s.busy(), "the warm one runs");
      assertEquals(List.of(Fns.OWNER + ".fn-a"), s.keys().get(0).functions());
      assertEquals(1, s.keys().get(0).target(), "one at a time so far: one is enough");

      second.container().remove();
      h.awaitStats("both released", st -> st.busy() == 0);
    }
  }

  @Test
  void neverHandsOutTheSameContainerTwice() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      List<FunctionSpec> fns =
          List.of(function("fn-a", "echo", 1000), function("fn-b", "stderr", 1000));
      List<String> ids = new ArrayList<>();
      int warm = 0;
      for (int round = 0; round < 60; round++) {
        List<CompletableFuture<ContainerSource.Acquired>> batch = new ArrayList<>();
        for (int i = 0; i <= round % 5; i++) {
          batch.add(h.acquireAsync(fns.get((round + i) % 2)));
        }
        for (CompletableFuture<ContainerSource.Acquired> f : batch) {
          ContainerSource.Acquired a = f.join();
          FakeRuntime.FakeContainer c = fake(h, a);
          assertFalse(c.ran(), "handed out after it ran: " + c.id());
          assertEquals(0, c.removes(), "handed out after its removal: " + c.id());
          a.container().run(new byte[] {'x'}); // a second run of one container throws
          ids.add(a.container().id());
          warm += a.warm() ? 1 : 0;
        }
        for (CompletableFuture<ContainerSource.Acquired> f : batch) {
          f.join().container().remove();
        }
        h.awaitStats("pre-starts settled", s -> s.starting() == 0);
      }
      assertEquals(180, ids.size());
      assertEquals(ids.size(), new HashSet<>(ids).size(), "every container served one activation");
      assertTrue(warm > 100, "mostly warm once the pool knows the demand: " + warm);
    }
  }

  @Test
  void argFunctionsNeverTouchThePool() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = Fns.function("echo", 1000, InputMode.ARG);
      for (int i = 0; i < 5; i++) {
        ContainerSource.Acquired a = h.acquire(fn);
        assertFalse(a.warm());
        assertEquals(List.of("in"), fake(h, a).spec().args());
      }
      PoolStats s = h.stats();
      assertEquals(0, s.counts().missed() + s.counts().handedOut(), "the pool was never asked");
      assertTrue(s.keys().isEmpty());
      assertEquals(0, h.runtime.pooledStarts());
    }
  }

  @Test
  void anIdleContainerThatDiesIsReplacedAndNeverHandedOut() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      h.acquire(fn).container().remove();
      h.awaitStats("one pre-started", s -> s.idle() == 1);
      FakeRuntime.FakeContainer dead = h.runtime.livePooled().get(0);
      dead.kill();
      h.awaitStats("replaced", s -> s.counts().replacedAfterDeath() == 1 && s.idle() == 1);
      assertTrue(dead.removes() > 0, "the dead one is removed");
      ContainerSource.Acquired a = h.acquire(fn);
      assertTrue(a.warm());
      assertNotEquals(dead.id(), a.container().id());
    }
  }

  @Test
  void aKeyWhoseContainersKeepDyingBacksOffAndServesCold() {
    // One container at a time for the key (the five calls below would otherwise count as a burst
    // and ask for more), so the count of replacements shows the back-off alone.
    PoolSettings d = PoolSettings.defaults();
    PoolSettings oneAtATime =
        new PoolSettings(d.enabled(), 1, d.maxIdleTotal(), d.idleTtl(), d.window(),
            d.startLatency(), d.maxIdleAge(), d.maxStarting(), d.tick(), d.startTimeout(),
            d.backoffMin(), d.backoffMax(), d.askTimeout(), Duration.ZERO);
    try (PoolHarness h = harness(oneAtATime)) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      h.runtime.dieAtOnce(true);
      for (int i = 0; i < 5; i++) {
        ContainerSource.Acquired a = h.acquire(fn);
        assertFalse(a.warm(), "a dead container is never handed out");
        a.container().remove();
      }
      h.awaitStats("died twice, then backing off",
          s -> s.counts().replacedAfterDeath() == 2 && s.starting() == 0);
      assertEquals(2, h.runtime.pooledStarts(), "replaced at once after the first death only");
      h.pass(Duration.ofSeconds(1));
      h.awaitStats("a third try after one second", s -> s.counts().replacedAfterDeath() == 3);
      h.runtime.dieAtOnce(false);
      h.pass(Duration.ofSeconds(2));
      h.awaitStats("a live one after two more", s -> s.idle() == 1);
      assertTrue(h.acquire(fn).warm());
    }
  }

  @Test
  void changingOrRemovingAFunctionEmptiesItsPools() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec a = function("fn-a", "echo", 1000);
      FunctionSpec b = function("fn-b", "stderr", 1000);
      h.acquire(a).container().remove();
      h.acquire(b).container().remove();
      h.awaitStats("one each", s -> s.idle() == 2);
      FakeRuntime.FakeContainer aIdle = only(h, "echo");

      h.pool.tell(new WarmPool.FunctionChanged(new FunctionId(Fns.OWNER, "fn-a")));
      PoolStats s = h.awaitStats("a's emptied", st -> st.idle() == 1 && st.counts().invalidated() == 1);
      assertEquals(List.of("stderr"), s.keys().stream().map(PoolStats.KeyStats::image).toList());
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertTrue(aIdle.gone());
        return null;
      });
      assertFalse(h.acquire(a).warm(), "the changed function starts cold");

      h.pool.tell(new WarmPool.FunctionRemoved(new FunctionId(Fns.OWNER, "fn-b")));
      h.awaitStats("b's emptied", st -> st.counts().invalidated() == 2
          && st.keys().stream().noneMatch(k -> k.image().equals("stderr")));
    }
  }

  @Test
  void aPreStartInFlightWhenItsFunctionChangesIsRemovedOnArrival() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec a = function("fn-a", "echo", 1000);
      h.runtime.hold(true);
      h.acquire(a).container().remove();
      h.awaitStats("starting", s -> s.starting() == 1);
      h.pool.tell(new WarmPool.FunctionChanged(new FunctionId(Fns.OWNER, "fn-a")));
      h.awaitStats("forgotten", s -> s.keys().isEmpty());
      h.runtime.hold(false);
      assertEquals(1, h.runtime.releaseHeld());
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertTrue(h.runtime.livePooled().isEmpty());
        return null;
      });
      assertEquals(0, h.stats().idle());
    }
  }

  @Test
  void shrinksToZeroAfterTheIdleTtlAndRecyclesBeforeMaxIdleAge() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      h.acquire(fn).container().remove();
      h.awaitStats("one pre-started", s -> s.idle() == 1);
      String first = h.runtime.livePooled().get(0).id();

      h.pass(Duration.ofSeconds(119));
      h.awaitStats("recycled at 90 s, still wanted", s -> s.counts().recycled() == 1 && s.idle() == 1);
      assertNotEquals(first, h.runtime.livePooled().get(0).id());

      h.pass(Duration.ofSeconds(1));
      PoolStats s = h.awaitStats("nothing after 2 min without demand",
          st -> st.keys().isEmpty() && st.idle() == 0);
      assertEquals(1, s.counts().retired());
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertTrue(h.runtime.livePooled().isEmpty());
        return null;
      });
    }
  }

  @Test
  void anIdleContainerTooOldToFinishBeforeTheSweepIsNotHandedOut() {
    PoolSettings d = PoolSettings.defaults();
    PoolSettings settings = new PoolSettings(true, 4, 16, Duration.ofMinutes(10), d.window(),
        d.startLatency(), Duration.ofSeconds(200), d.maxStarting(), d.tick(), d.startTimeout(),
        d.backoffMin(), d.backoffMax(), d.askTimeout(), Duration.ZERO);
    try (PoolHarness h = harness(settings)) {
      // Same image and env: one key. The sweep takes containers older than 435 s; a runner
      // needs the timeout plus 16 s at most.
      FunctionSpec quick = function("fn-quick", "echo", 1000);
      FunctionSpec slow = function("fn-slow", "echo", 300_000);
      h.acquire(quick).container().remove();
      h.awaitStats("one pre-started", s -> s.idle() == 1);
      h.pass(Duration.ofSeconds(150));
      assertFalse(h.acquire(slow).warm(), "150 s + 316 s would outlive the sweep");
      h.awaitStats("replaced by a young one", s -> s.counts().recycled() == 1 && s.idle() == 1);
      assertTrue(h.acquire(slow).warm());
    }
  }

  @Test
  void boundsPerKeyAndPerWorkerHoldUnderABurst() {
    try (PoolHarness h = harness(PoolHarness.settings(3, 5))) {
      List<FunctionSpec> fns = new ArrayList<>();
      for (int i = 1; i <= 6; i++) {
        fns.add(function("fn-" + i, "echo" + i, 1000));
      }
      List<CompletableFuture<ContainerSource.Acquired>> burst = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (FunctionSpec fn : fns) {
          for (int i = 0; i < 6; i++) {
            burst.add(h.acquireAsync(fn));
          }
        }
        burst.forEach(CompletableFuture::join);
        h.awaitStats("full", s -> s.starting() == 0 && s.idle() == 5);
      }
      assertTrue(h.stats().counts().handedOut() >= 5, "the second burst found the first's pool");
      for (PoolStats s : h.published) {
        assertTrue(s.idle() + s.starting() <= 5, "over the total: " + s);
        for (PoolStats.KeyStats k : s.keys()) {
          assertTrue(k.idle() + k.starting() <= 3, "over the per-key bound: " + s);
        }
      }
      burst.forEach(f -> f.join().container().remove());
      h.awaitStats("all released", s -> s.busy() == 0);
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertEquals(5, h.runtime.livePooled().size(), "only the idle ones are left");
        return null;
      });
    }
  }

  @Test
  void aKeyNeverHoldsMoreThanTheWorkerHasSlots() {
    try (PoolHarness h = new PoolHarness(testKit, manualTime, PoolHarness.settings(10, 16), 2)) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      List<CompletableFuture<ContainerSource.Acquired>> burst = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        burst.add(h.acquireAsync(fn));
      }
      burst.forEach(CompletableFuture::join);
      PoolStats s = h.awaitStats("settled", st -> st.starting() == 0 && st.idle() > 0);
      assertEquals(2, s.idle());
    }
  }

  @Test
  void drainRemovesEveryIdleContainerAndStopsPreStarting() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      for (int i = 1; i <= 3; i++) {
        h.acquire(function("fn-" + i, "echo" + i, 1000)).container().remove();
      }
      h.awaitStats("three pre-started", s -> s.idle() == 3);
      h.runtime.hold(true);
      h.acquire(function("fn-4", "echo4", 1000)).container().remove();
      h.awaitStats("a fourth starting", s -> s.starting() == 1);

      TestProbe<WarmPool.Drained> drained = testKit.createTestProbe();
      h.pool.tell(new WarmPool.Drain(drained.ref()));
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertEquals(0, h.runtime.livePooled().size(), "the idle ones removed");
        return null;
      });
      drained.expectNoMessage(Duration.ofMillis(200)); // not while one is still starting
      assertEquals(1, h.runtime.heldCount(), "only the one still starting");
      h.runtime.hold(false);
      h.runtime.releaseHeld();
      assertEquals(new WarmPool.Drained(4), drained.receiveMessage(), "the late one counted");
      assertTrue(h.runtime.livePooled().isEmpty(), "the late one removed before the answer");
      int starts = h.runtime.pooledStarts();
      assertFalse(h.acquire(function("fn-1", "echo1", 1000)).warm());
      h.pass(Duration.ofSeconds(5));
      PoolStats s = h.stats();
      assertTrue(s.drained());
      assertEquals(0, s.idle() + s.starting());
      assertEquals(starts, h.runtime.pooledStarts(), "nothing pre-started after the drain");
    }
  }

  @Test
  void aFailingEngineBacksThePoolOffWithoutWedgingIt() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      h.runtime.failPreStarts(
          new dev.faas.actors.runtime.ContainerFailure.EngineUnavailable("down", null));
      coldAndDone(h, fn);
      h.awaitStats("failed twice", s -> s.counts().startFailures() == 2 && s.starting() == 0);
      assertEquals(2, h.runtime.pooledStarts(), "retried once at once, then backing off");
      coldAndDone(h, fn);
      h.pass(Duration.ofSeconds(1));
      h.awaitStats("third after 1 s", s -> s.counts().startFailures() == 3);
      h.pass(Duration.ofSeconds(1));
      assertEquals(3, h.runtime.pooledStarts(), "the next waits 2 s");
      h.runtime.failPreStarts(null);
      h.pass(Duration.ofSeconds(1));
      h.awaitStats("recovered", s -> s.idle() == 1);
      assertTrue(h.acquire(fn).warm());
    }
  }

  @Test
  void aPreStartThatNeverAnswersTimesOutAndItsLateContainerIsRemoved() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      h.runtime.hold(true);
      ContainerSource.Acquired cold = h.acquire(fn);
      assertFalse(cold.warm());
      cold.container().remove(); // over: nothing defers the pre-starts
      h.awaitStats("starting", s -> s.starting() == 1);
      h.pass(Duration.ofSeconds(30));
      h.awaitStats("timed out, retried", s -> s.counts().startFailures() == 1 && s.starting() == 1);
      assertEquals(2, h.runtime.heldCount());
      h.runtime.hold(false);
      assertEquals(2, h.runtime.releaseHeld());
      PoolStats s = h.awaitStats("the retry arrived", st -> st.idle() == 1);
      assertEquals(1, s.counts().started());
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertEquals(1, h.runtime.livePooled().size(), "the late one removed");
        return null;
      });
      assertTrue(h.acquire(fn).warm());
    }
  }

  @Test
  void aMissingImageBacksItsKeyOffTheLongest() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-gone", "missing-image", 1000);
      CompletableFuture<ContainerSource.Acquired> cold = h.acquireAsync(fn);
      assertTrue(cold.handle((a, f) -> f).join() != null, "the cold start fails as before");
      h.awaitStats("one failure, released", s -> s.counts().startFailures() == 1 && s.busy() == 0
          && s.starting() == 0);
      h.pass(Duration.ofSeconds(29));
      assertEquals(1, h.runtime.pooledStarts());
      h.pass(Duration.ofSeconds(1));
      h.awaitStats("tried again after 30 s", s -> s.counts().startFailures() == 2);
    }
  }

  @Test
  void statsReachTheListenerAsTheyChange() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      h.acquire(function("fn-a", "echo", 1000)).container().remove();
      h.awaitStats("one pre-started", s -> s.idle() == 1);
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        PoolStats last = h.published.get(h.published.size() - 1);
        assertEquals(h.stats(), last);
        return null;
      });
      for (int i = 1; i < h.published.size(); i++) {
        assertNotEquals(h.published.get(i - 1), h.published.get(i), "told only of changes");
      }
    }
  }

  /** An activation that got a cold container and is over: the pool still answers. */
  @Test
  void preStartsWaitForTheRunningActivationAndStartWhenItEnds() {
    try (PoolHarness h = harness(PoolSettings.defaults())) {
      FunctionSpec fn = function("fn-a", "echo", 1000);
      ContainerSource.Acquired cold = h.acquire(fn);
      assertFalse(cold.warm());
      PoolStats whileRunning = h.stats();
      assertEquals(0, whileRunning.starting() + whileRunning.idle(), "nothing starts while it runs");
      assertEquals(0, h.runtime.pooledStarts());

      cold.container().remove(); // its end, long before startDefer
      h.awaitStats("started once it ended", s -> s.idle() == 1);
      assertEquals(1, h.runtime.pooledStarts());
    }
  }

  private static void coldAndDone(PoolHarness h, FunctionSpec fn) {
    ContainerSource.Acquired a = h.acquire(fn);
    assertFalse(a.warm());
    a.container().remove();
  }

  private static FakeRuntime.FakeContainer only(PoolHarness h, String image) {
    List<FakeRuntime.FakeContainer> live = h.runtime.livePooled().stream()
        .filter(c -> c.spec().image().equals(image)).toList();
    assertEquals(1, live.size());
    return live.get(0);
  }
}
