package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.fakes.FakeCluster;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.RecordingItem;
import dev.faas.actors.fakes.ScriptedSource;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class WorkerActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String PLATFORM = "faas-test";
  private static final RunnerSettings RUNNER =
      new RunnerSettings(RunnerSettings.MIB, 1024, Duration.ofMillis(50), 1, 1, 1,
          Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2));

  private final FakeRuntime runtime = new FakeRuntime();

  {
    runtime.platform(PLATFORM);
  }
  private final FakeStore store = new FakeStore();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static WorkerSettings settings(String workerId, int slots) {
    return new WorkerSettings(workerId, PLATFORM, slots, Duration.ofMillis(100),
        Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMinutes(1),
        Duration.ofMinutes(10), RUNNER);
  }

  private ActorRef<WorkerActor.Command> worker(String workerId, int slots,
      dev.faas.actors.activation.WorkSource source) {
    return testKit.spawn(WorkerActor.create(settings(workerId, slots), source, runtime,
        new ColdContainerSource(runtime), store, Clock.systemUTC()));
  }

  private static WorkerActor.Status status(ActorRef<WorkerActor.Command> worker) {
    TestProbe<WorkerActor.Status> probe = testKit.createTestProbe();
    worker.tell(new WorkerActor.GetStatus(probe.ref()));
    return probe.receiveMessage();
  }

  @Test
  void neverPullsMoreThanItsFreeSlots() {
    try (FakeCluster cluster = new FakeCluster(100, Duration.ofSeconds(30), Duration.ofSeconds(5))) {
      FakeCluster.Source source = cluster.source("w1").slots(2);
      for (int i = 0; i < 7; i++) {
        cluster.submit(Fns.request(ActivationSupervisor.newActivationId(),
            Fns.function(i % 2 == 0 ? "hang" : "echo", 200), new byte[] {'x'}));
      }
      ActorRef<WorkerActor.Command> worker = worker("w1", 2, source);
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        assertEquals(0, cluster.held(), "all seven ran and were acked");
        return null;
      });
      assertEquals(0, source.pullsBeyondSlots(), "pull sizes " + source.pullSizes());
      assertTrue(source.pullSizes().stream().allMatch(n -> n >= 1 && n <= 2));
      assertTrue(runtime.maxLive() <= 2, "at most two containers at once: " + runtime.maxLive());
      assertEquals(7, cluster.delivered().size());
      for (FakeCluster.Item item : cluster.delivered()) {
        List<WorkerEvent> replies = item.replies();
        assertTrue(replies.get(0) instanceof WorkerEvent.Accepted);
        assertTrue(replies.get(replies.size() - 1) instanceof WorkerEvent.Completed);
        assertEquals(1, item.acks());
      }
      probe.awaitAssert(() -> {
        assertEquals(0, runtime.liveCount());
        assertEquals(2, status(worker).free());
        return null;
      });
      testKit.stop(worker);
    }
  }

  /** 8 slots × 4096 MiB are not promised on a 6 GiB budget (docs/decisions/0017). */
  @Test
  void aMemoryBudgetBoundsWhatIsPulledAndRun() {
    try (FakeCluster cluster = new FakeCluster(100, Duration.ofSeconds(30), Duration.ofSeconds(5))) {
      FakeCluster.Source source = cluster.source("w1").slots(8);
      java.time.Instant t = java.time.Instant.parse("2024-01-01T00:00:00Z");
      for (int i = 0; i < 4; i++) {
        String image = i % 2 == 0 ? "hang" : "echo";
        cluster.submit(Fns.request(ActivationSupervisor.newActivationId(),
            new dev.faas.actors.model.FunctionSpec("alice", "fn-big-" + image, image, 200, 4096,
                "", Map.of(), dev.faas.actors.model.InputMode.STDIN, false, t, t),
            new byte[] {'x'}));
      }
      ActorRef<WorkerActor.Command> worker =
          testKit.spawn(WorkerActor.create(settings("w1", 8).withMemoryBudget(6144), source,
              runtime, new ColdContainerSource(runtime), store, Clock.systemUTC()));
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(15), () -> {
        assertEquals(0, cluster.held(), "all four ran and were acked");
        return null;
      });
      assertTrue(source.pullSizes().stream().allMatch(n -> n <= 1), "pull sizes "
          + source.pullSizes());
      assertEquals(1, runtime.maxLive(), "one 4096 MiB container at a time in 6144 MiB");
      assertEquals(4, cluster.delivered().size());
      testKit.stop(worker);
    }
  }

  @Test
  void withRoutingOnePlaceOverTheSlotsTakesWhicheverPullAnsweredSecond() {
    RecordingItem shared =
        new RecordingItem(Fns.request("shared0001", Fns.function("hang", 60_000), new byte[0]));
    RecordingItem routed =
        new RecordingItem(Fns.request("routed0001", Fns.function("hang", 60_000), new byte[0]));
    RecordingItem later =
        new RecordingItem(Fns.request("routed0002", Fns.function("hang", 60_000), new byte[0]));
    ScriptedSource source = new ScriptedSource().add(shared).routed(routed).routed(later);
    ActorRef<WorkerActor.Command> worker = worker("w1", 1, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, shared.replies(WorkerEvent.Accepted.class).size());
      assertEquals(1, routed.replies(WorkerEvent.Accepted.class).size());
      return null;
    });
    WorkerActor.Status status = status(worker);
    assertEquals(Set.of("shared0001", "routed0001"), status.running());
    assertEquals(-1, status.free(), "one place over its one slot");
    assertEquals(List.of(1), source.routedPulls(), "no routed pull while full");
    assertEquals(List.of(1), source.pulls(), "no shared pull while full");
    assertTrue(later.replies().isEmpty());
    assertEquals(0, shared.drops() + routed.drops());
    testKit.stop(worker);
  }

  @Test
  void aRedeliveredItemIsDroppedUnrun() {
    RecordingItem redelivered = new RecordingItem(
        Fns.request("redeliv001", Fns.function("echo", 1000), new byte[0]), 2);
    ScriptedSource source = new ScriptedSource().add(redelivered);
    ActorRef<WorkerActor.Command> worker = worker("w1", 2, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, redelivered.drops());
      assertEquals(1, redelivered.replies(WorkerEvent.Dropped.class).size());
      return null;
    });
    assertEquals(1, redelivered.replies().size(), "no Accepted, only Dropped");
    assertEquals(0, redelivered.acks());
    assertTrue(runtime.specs().isEmpty(), "never run");
    assertEquals(2, status(worker).free());
    testKit.stop(worker);
  }

  @Test
  void aRedeliveryOfAnActivationRunningHereIsIgnored() {
    ActivationRequest request = Fns.request("again00001", Fns.function("hang", 60_000), new byte[0]);
    RecordingItem original = new RecordingItem(request);
    RecordingItem redelivered = new RecordingItem(request, 2);
    ScriptedSource source = new ScriptedSource().add(original).add(redelivered);
    ActorRef<WorkerActor.Command> worker = worker("w1", 2, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, original.replies(WorkerEvent.Accepted.class).size());
      // A third pull comes only after the worker has handled the batch with the redelivery.
      assertTrue(source.pulls().size() >= 3, "the redelivery was pulled and handled");
      // The runner's container is asked for after the Accepted: wait for it too.
      assertEquals(1, runtime.specs().size(), "one container");
      return null;
    });
    // Its runner settles the one message: dropping this copy would tell the caller the worker
    // was lost while it is running fine.
    assertEquals(0, redelivered.drops());
    assertTrue(redelivered.replies().isEmpty(), "nothing said through the second delivery");
    assertEquals(0, original.drops());
    assertTrue(status(worker).running().contains("again00001"), "still running, once");
    assertEquals(1, runtime.specs().size(), "one container");
    testKit.stop(worker);
  }

  @Test
  void anItemPulledAfterItsAcceptDeadlineIsDroppedUnrun() {
    Instant past = Instant.now().minusSeconds(1);
    ActivationRequest late = new ActivationRequest("late000001", Fns.function("echo", 1000), 1,
        new byte[0], past.minusSeconds(5), past, "r", null, null, null);
    RecordingItem item = new RecordingItem(late);
    ActorRef<WorkerActor.Command> worker = worker("w1", 2, new ScriptedSource().add(item));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, item.drops());
      assertEquals(List.of(new WorkerEvent.Dropped("late000001", "no worker took it in time", "w1")),
          item.replies());
      return null;
    });
    assertTrue(runtime.specs().isEmpty());
    testKit.stop(worker);
  }

  @Test
  void aCrashedRunnerFreesItsSlotAndItsItemIsSettledAndAnswered() {
    RecordingItem crashing = new RecordingItem(
        Fns.request("crash00001", Fns.function("nullexit", 5000), new byte[] {'x'}));
    RecordingItem next = new RecordingItem(
        Fns.request("next000001", Fns.function("echo", 5000), new byte[] {'y'}));
    ScriptedSource source = new ScriptedSource().add(crashing).add(next);
    ActorRef<WorkerActor.Command> worker = worker("w1", 1, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(1, crashing.acks() + crashing.drops());
      assertEquals(1, crashing.replies(WorkerEvent.Completed.class).size());
      assertEquals(1, next.replies(WorkerEvent.Completed.class).size(), "the slot was freed");
      return null;
    });
    WorkerEvent.Completed completed = crashing.replies(WorkerEvent.Completed.class).get(0);
    assertEquals(FailureKind.PLATFORM_ERROR, completed.record().failure());
    assertEquals("w1", completed.record().worker());
    assertTrue(runtime.calls().stream().anyMatch(
        c -> c.startsWith("removeLabelled:") && c.contains("crash00001")),
        "its container removed by label: " + runtime.calls());
    probe.awaitAssert(() -> {
      assertEquals(0, runtime.liveCount());
      assertEquals(1, status(worker).free());
      return null;
    });
    assertEquals(1, crashing.acks() + crashing.drops(), "settled once");
    assertEquals(1, crashing.replies(WorkerEvent.Completed.class).size(), "answered once");
    testKit.stop(worker);
  }

  @Test
  void routedItemsNeverBringItMoreThanOnePlaceOverItsSlots() {
    // Two slots; the shared pull (made for both) answers late with two items, while routed work
    // keeps coming: one routed item may take a place the shared pull was made for, not two.
    RecordingItem shared1 =
        new RecordingItem(Fns.request("shared0001", Fns.function("hang", 60_000), new byte[0]));
    RecordingItem shared2 =
        new RecordingItem(Fns.request("shared0002", Fns.function("hang", 60_000), new byte[0]));
    List<RecordingItem> routed = new java.util.ArrayList<>();
    ScriptedSource source =
        new ScriptedSource().add(shared1, shared2).sharedDelay(Duration.ofMillis(500));
    for (int i = 1; i <= 3; i++) {
      RecordingItem item =
          new RecordingItem(Fns.request("routed000" + i, Fns.function("hang", 60_000), new byte[0]));
      routed.add(item);
      source.routed(item);
    }
    ActorRef<WorkerActor.Command> worker = worker("w1", 2, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, shared2.replies(WorkerEvent.Accepted.class).size(), "the late pull's items");
      return null;
    });
    WorkerActor.Status status = status(worker);
    assertEquals(3, status.running().size(), "one over its two slots: " + status.running());
    assertEquals(-1, status.free());
    assertEquals(0, shared1.drops() + shared2.drops() + routed.stream().mapToInt(RecordingItem::drops).sum(),
        "nothing taken only to be dropped");
    assertEquals(1, routed.stream().filter(r -> !r.replies().isEmpty()).count(),
        "one routed item, the others left for later");
    testKit.stop(worker);
  }

  @Test
  void startupRemovesItsOwnLeftoversBeforeItsFirstPull() {
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, PLATFORM,
        ContainerSpec.WORKER_LABEL, "w1", ContainerSpec.ACTIVATION_LABEL, "old0000001"));
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, PLATFORM,
        ContainerSpec.WORKER_LABEL, "w1", ContainerSpec.ACTIVATION_LABEL, "old0000002"));
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, PLATFORM,
        ContainerSpec.WORKER_LABEL, "w2", ContainerSpec.ACTIVATION_LABEL, "other00001"));
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, "another-platform",
        ContainerSpec.WORKER_LABEL, "w1", ContainerSpec.ACTIVATION_LABEL, "other00002"));
    List<Integer> liveAtPull = new CopyOnWriteArrayList<>();
    ScriptedSource source = new ScriptedSource().onPull(max -> liveAtPull.add(runtime.liveCount()));
    ActorRef<WorkerActor.Command> worker = worker("w1", 2, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertTrue(!liveAtPull.isEmpty());
      return null;
    });
    assertEquals(2, liveAtPull.get(0), "its own two were gone before its first pull");
    assertTrue(runtime.liveContainers().stream().noneMatch(
        c -> "w1".equals(c.spec().labels().get(ContainerSpec.WORKER_LABEL))
            && PLATFORM.equals(c.spec().labels().get(ContainerSpec.PLATFORM_LABEL))));
    assertTrue(runtime.calls().get(0).startsWith("removeOrphans:"));
    assertTrue(runtime.calls().stream().anyMatch(c -> c.startsWith("removeOlderThan:")),
        "and a sweep by age");
    testKit.stop(worker);
  }

  @Test
  void aKilledWorkersContainersAreRemovedByTheNextWorkerToStart() {
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, PLATFORM,
        ContainerSpec.WORKER_LABEL, "killed", ContainerSpec.ACTIVATION_LABEL, "dead000001"));
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, PLATFORM,
        ContainerSpec.WORKER_LABEL, "alive", ContainerSpec.ACTIVATION_LABEL, "live000001"));
    runtime.deadWorker("killed");
    List<Integer> liveAtPull = new CopyOnWriteArrayList<>();
    ScriptedSource source = new ScriptedSource().onPull(max -> liveAtPull.add(runtime.liveCount()));
    ActorRef<WorkerActor.Command> worker = worker("w1", 2, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertTrue(!liveAtPull.isEmpty());
      return null;
    });
    assertEquals(1, liveAtPull.get(0), "the killed worker's container was gone before the pull");
    assertEquals("alive",
        runtime.liveContainers().get(0).spec().labels().get(ContainerSpec.WORKER_LABEL));
    testKit.stop(worker);
  }

  @Test
  void announcesItselfWithItsFreeSlots() {
    ScriptedSource source = new ScriptedSource();
    ActorRef<WorkerActor.Command> worker = worker("w1", 3, source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertTrue(source.announcements().size() >= 3);
      return null;
    });
    assertTrue(source.announcements().stream().allMatch(free -> free == 3));
    testKit.stop(worker);
  }
}
