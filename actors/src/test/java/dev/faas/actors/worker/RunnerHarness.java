package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.RecordingItem;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.Tracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/** One runner under test: its item, parent probe, runtime and store. */
final class RunnerHarness {
  static final String WORKER = "w1";
  static final String PLATFORM = "faas-test";

  final String id = ActivationSupervisor.newActivationId();
  final FakeRuntime runtime;
  final FakeStore store = new FakeStore();
  final RecordingItem item;
  final TestProbe<RunnerActor.Finished> parent;
  final ActorRef<RunnerActor.Command> runner;

  RunnerHarness(
      ActorTestKit testKit,
      FakeRuntime runtime,
      FunctionSpec function,
      byte[] input,
      RunnerSettings settings) {
    this(testKit, runtime, function, input, settings, 0, 0);
  }

  /** A runner whose first {@code failingPuts} record writes and {@code failingAcks} acks fail. */
  RunnerHarness(
      ActorTestKit testKit,
      FakeRuntime runtime,
      FunctionSpec function,
      byte[] input,
      RunnerSettings settings,
      int failingPuts,
      int failingAcks) {
    this(testKit, runtime, function, input, settings, failingPuts, failingAcks, Tracing.OFF,
        TraceContext.NONE);
  }

  /** As above, its spans in {@code tracing}, its request carrying {@code trace}. */
  RunnerHarness(
      ActorTestKit testKit,
      FakeRuntime runtime,
      FunctionSpec function,
      byte[] input,
      RunnerSettings settings,
      int failingPuts,
      int failingAcks,
      Tracing tracing,
      TraceContext trace) {
    this.runtime = runtime;
    store.failingPuts(failingPuts);
    this.item =
        new RecordingItem(Fns.request(id, function, input).withTrace(trace))
            .failingAcks(failingAcks);
    this.parent = testKit.createTestProbe();
    this.runner =
        testKit.spawn(
            RunnerActor.create(
                item,
                Instant.now(),
                new RunnerPorts(WORKER, PLATFORM, new ColdContainerSource(runtime), store,
                    settings, Clock.systemUTC(), tracing),
                parent.ref()));
  }

  /**
   * Waits for the runner to finish and checks what every path owes: Finished to its parent, then
   * stopped; the record written and sent once, after every heartbeat; one ack, no drop; no
   * container left.
   */
  ActivationRecord finished() {
    parent.expectMessage(Duration.ofSeconds(5), new RunnerActor.Finished(id));
    // A slot is a container: Finished only once its removal has completed.
    runtime.allContainers().forEach(c -> assertTrue(c.gone(), "removed before Finished"));
    parent.expectTerminated(runner, Duration.ofSeconds(3));
    assertEquals(1, item.acks(), "acked exactly once");
    assertEquals(0, item.drops());
    List<WorkerEvent> replies = item.replies();
    List<WorkerEvent.Completed> completed = item.replies(WorkerEvent.Completed.class);
    assertEquals(1, completed.size(), "one Completed");
    assertTrue(replies.get(replies.size() - 1) instanceof WorkerEvent.Completed, "Completed last");
    ActivationRecord record = completed.get(0).record();
    assertEquals(record, store.byId(id).orElseThrow());
    assertEquals(id, record.activationId());
    assertEquals(WORKER, record.worker());
    assertTrue(record.durationMs() >= 0 && record.queuedMs() >= 0 && record.acquireMs() >= 0
        && record.runMs() >= 0);
    assertEquals(0, runtime.liveCount(), "no container left");
    runtime.allContainers().forEach(c -> assertTrue(c.removes() >= 1, "removed " + c.id()));
    return record;
  }

  /** The one container this runner got, removed or not. */
  FakeRuntime.FakeContainer onlyContainer() {
    List<FakeRuntime.FakeContainer> all = runtime.allContainers();
    assertEquals(1, all.size());
    return all.get(0);
  }
}
