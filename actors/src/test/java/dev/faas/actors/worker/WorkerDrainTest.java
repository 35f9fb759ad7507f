package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.fakes.FakeCluster;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.outcome.FailureKind;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A stopping worker takes no more work, lets what runs finish, and stops what outlives the drain. */
class WorkerDrainTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final RunnerSettings RUNNER =
      new RunnerSettings(RunnerSettings.MIB, 1024, Duration.ofMillis(50), 1, 1, 1,
          Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2));

  private final FakeRuntime runtime = new FakeRuntime();
  private final FakeStore store = new FakeStore();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<WorkerActor.Command> worker(FakeCluster.Source source) {
    WorkerSettings settings =
        new WorkerSettings("w1", "faas-test", 2, Duration.ofMillis(100), Duration.ofMillis(50),
            Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofMinutes(10), RUNNER);
    return testKit.spawn(
        WorkerActor.create(settings, source, runtime, new ColdContainerSource(runtime), store,
            Clock.systemUTC()));
  }

  @Test
  void whatRunsFinishesWhatOutlivesTheDrainIsStoppedAndNothingNewIsTaken() {
    try (FakeCluster cluster = new FakeCluster(8, Duration.ofSeconds(30), Duration.ofSeconds(5))) {
      FakeCluster.Source source = cluster.source("w1").slots(2);
      String quick = ActivationSupervisor.newActivationId();
      String endless = ActivationSupervisor.newActivationId();
      // Runs 600 ms: it finishes within the drain's second.
      cluster.submit(Fns.request(quick, Fns.function("hang", 600), new byte[] {'x'}));
      cluster.submit(Fns.request(endless, Fns.function("hang", 60_000), new byte[] {'x'}));
      ActorRef<WorkerActor.Command> worker = worker(source);
      TestProbe<Object> probe = testKit.createTestProbe();
      probe.awaitAssert(() -> {
        assertEquals(2, runtime.liveCount(), "both running");
        return null;
      });

      TestProbe<WorkerActor.Drained> drained = testKit.createTestProbe();
      worker.tell(new WorkerActor.Drain(Duration.ofSeconds(1), drained.ref()));
      int pullsAtDrain = source.pullSizes().size();
      int announcementsAtDrain = source.announcements();
      String later = ActivationSupervisor.newActivationId();
      cluster.submit(Fns.request(later, Fns.function("echo", 10_000), new byte[] {'x'}));

      WorkerActor.Drained answer = drained.expectMessageClass(
          WorkerActor.Drained.class, Duration.ofSeconds(10));
      assertEquals(1, answer.stopped(), answer.toString());
      assertEquals(1, answer.finished(), answer.toString());
      ActivationRecord stopped = store.byId(endless).orElseThrow();
      assertEquals(FailureKind.WORKER_STOPPED, stopped.failure());
      assertEquals(FailureKind.TIMEOUT, store.byId(quick).orElseThrow().failure(), "ran to its own end");
      List<WorkerEvent> replies = cluster.delivered().stream()
          .filter(i -> i.request().activationId().equals(endless)).findFirst().orElseThrow()
          .replies();
      assertTrue(replies.get(replies.size() - 1) instanceof WorkerEvent.Completed, "answered");
      assertEquals(0, runtime.liveCount(), "no container left");
      // An open pull may still have been answered; none was made after the drain began.
      assertTrue(source.pullSizes().size() <= pullsAtDrain + 1, source.pullSizes().toString());
      assertTrue(source.announcements() <= announcementsAtDrain + 1);
      assertTrue(cluster.delivered().stream()
          .noneMatch(i -> i.request().activationId().equals(later)), "nothing new taken");
      testKit.stop(worker);
    }
  }
}
