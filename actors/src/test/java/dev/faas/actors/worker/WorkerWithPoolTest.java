package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.RecordingItem;
import dev.faas.actors.fakes.ScriptedSource;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.warm.PoolListener;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import dev.faas.actors.worker.pool.PoolKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker with its pool switched on, end to end on fakes. */
@Timeout(60)
class WorkerWithPoolTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String PLATFORM = "faas-test";
  private static final RunnerSettings RUNNER =
      new RunnerSettings(RunnerSettings.MIB, 1024, Duration.ofMillis(50), 1, 1, 1,
          Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static WorkerSettings settings(PoolSettings pool) {
    return new WorkerSettings("w1", PLATFORM, 2, Duration.ofMillis(100), Duration.ofMillis(50),
        Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofMinutes(10), RUNNER)
        .withPool(pool);
  }

  private static PoolStats poolStats(ActorRef<WorkerActor.Command> worker) {
    TestProbe<PoolStats> probe = testKit.createTestProbe();
    worker.tell(new WorkerActor.GetPoolStats(probe.ref()));
    return probe.receiveMessage();
  }

  private static ActivationRecord run(ScriptedSource source, FakeStore store, String id,
      FunctionSpec fn) {
    RecordingItem item = new RecordingItem(
        Fns.request(id, fn, ("hello " + id).getBytes(StandardCharsets.UTF_8)));
    source.add(item);
    TestProbe<Object> probe = testKit.createTestProbe();
    return probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(1, item.acks());
      return store.byId(id).orElseThrow();
    });
  }

  @Test
  void repeatedActivationsOfAFunctionBecomeWarmAfterTheFirst() {
    FakeRuntime runtime = new FakeRuntime();
    FakeStore store = new FakeStore();
    ScriptedSource source = new ScriptedSource();
    List<PoolStats> published = new CopyOnWriteArrayList<>();
    ActorRef<WorkerActor.Command> worker = testKit.spawn(WorkerActor.create(
        settings(PoolSettings.defaults()), source, runtime, store, Clock.systemUTC(),
        published::add, EngineListener.NONE));
    FunctionSpec fn = Fns.function("echo", 5000);
    TestProbe<Object> probe = testKit.createTestProbe();

    List<ActivationRecord> records = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      records.add(run(source, store, String.format("warm%06d", i), fn));
      probe.awaitAssert(() -> {
        PoolStats s = poolStats(worker);
        assertTrue(s.idle() == 1 && s.starting() == 0 && s.busy() == 0, s.toString());
        return null;
      });
    }
    assertFalse(records.get(0).warm(), "the first is cold");
    for (ActivationRecord r : records) {
      assertEquals(ActivationStatus.SUCCESS, r.status());
      assertArrayEquals(("hello " + r.activationId()).getBytes(StandardCharsets.UTF_8),
          r.result());
      if (r != records.get(0)) {
        assertTrue(r.warm(), r.activationId() + " is warm");
      }
    }
    List<FakeRuntime.FakeContainer> ran =
        runtime.allContainers().stream().filter(FakeRuntime.FakeContainer::ran).toList();
    assertEquals(5, ran.size(), "one container per activation");
    assertEquals(4, ran.stream()
        .filter(c -> c.spec().labels().containsKey(PoolKey.POOL_LABEL))
        .peek(c -> assertNull(c.spec().labels().get(ContainerSpec.ACTIVATION_LABEL)))
        .count());
    probe.awaitAssert(() -> {
      ran.forEach(c -> assertTrue(c.gone(), c.id() + " removed after its activation"));
      return null;
    });
    assertFalse(published.isEmpty(), "the listener heard of the pool");

    testKit.stop(worker);
    probe.awaitAssert(() -> {
      assertEquals(0, runtime.liveCount(), "a stopped worker's pool leaves nothing behind");
      return null;
    });
  }

  @Test
  void argFunctionsStayColdAndInvalidationsReachThePoolThroughTheWorker() {
    FakeRuntime runtime = new FakeRuntime();
    FakeStore store = new FakeStore();
    ScriptedSource source = new ScriptedSource();
    ActorRef<WorkerActor.Command> worker = testKit.spawn(WorkerActor.create(
        settings(PoolSettings.defaults()), source, runtime, store, Clock.systemUTC(),
        PoolListener.NONE, EngineListener.NONE));
    FunctionSpec arg = Fns.function("echo", 5000, InputMode.ARG);
    for (int i = 1; i <= 3; i++) {
      assertFalse(run(source, store, String.format("argm%06d", i), arg).warm());
    }
    assertTrue(runtime.specs().stream()
        .noneMatch(s -> s.labels().containsKey(PoolKey.POOL_LABEL)), "nothing pre-started");

    FunctionSpec fn = Fns.function("echo", 5000);
    run(source, store, "stdi000001", fn);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, poolStats(worker).idle());
      return null;
    });
    worker.tell(new WorkerActor.FunctionChanged(fn.id()));
    probe.awaitAssert(() -> {
      assertEquals(1, poolStats(worker).counts().invalidated());
      return null;
    });
    assertFalse(run(source, store, "stdi000002", fn).warm(), "cold again after the change");

    TestProbe<WorkerActor.Drained> drained = testKit.createTestProbe();
    worker.tell(new WorkerActor.Drain(Duration.ofSeconds(5), drained.ref()));
    drained.receiveMessage();
    probe.awaitAssert(() -> {
      assertTrue(runtime.liveContainers().stream()
          .noneMatch(c -> c.spec().labels().containsKey(PoolKey.POOL_LABEL)));
      return null;
    });
    testKit.stop(worker);
  }

  @Test
  void aWorkerWithoutAPoolAnswersPoolRequestsEmpty() {
    FakeRuntime runtime = new FakeRuntime();
    ActorRef<WorkerActor.Command> worker = testKit.spawn(WorkerActor.create(
        settings(PoolSettings.disabled()), new ScriptedSource(), runtime, new FakeStore(),
        Clock.systemUTC(), PoolListener.NONE, EngineListener.NONE));
    assertEquals(PoolStats.empty(), poolStats(worker));
    TestProbe<WorkerActor.Drained> drained = testKit.createTestProbe();
    worker.tell(new WorkerActor.Drain(Duration.ofSeconds(5), drained.ref()));
    assertEquals(new WorkerActor.Drained(0, 0, 0), drained.receiveMessage());
    testKit.stop(worker);
  }

  @Test
  void aPoolThatCouldOutliveTheSweepIsRefused() {
    PoolSettings d = PoolSettings.defaults();
    PoolSettings tooOld = new PoolSettings(true, 4, 16, d.idleTtl(), d.window(), d.startLatency(),
        Duration.ofMinutes(10), d.maxStarting(), d.tick(), d.startTimeout(), d.backoffMin(),
        d.backoffMax(), d.askTimeout(), d.startDefer());
    assertThrows(IllegalArgumentException.class, () -> settings(tooOld));
  }
}
