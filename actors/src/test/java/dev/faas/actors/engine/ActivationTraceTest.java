package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.fakes.CountingInFlight;
import dev.faas.actors.fakes.FakeCluster;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.RecordingTracing;
import dev.faas.actors.fakes.RecordingTracing.Span;
import dev.faas.actors.fakes.Records;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.SpanNames;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The API node's spans of an activation (docs/decisions/0022): its admission and its publish
 * under the call's span, and the publish's context in the request that goes to the queue (the
 * worker's spans are its children).
 */
class ActivationTraceTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final EngineSettings SETTINGS =
      new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 4);
  private static final TraceContext SERVER =
      new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void admissionAndPublishAreChildrenOfTheCallAndTheRequestCarriesThePublish() {
    RecordingTracing tracing = new RecordingTracing();
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 1)) {
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, new FakeStore(), SETTINGS,
              id -> "r." + id, new CountingInFlight(), tracing));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      String id = ActivationSupervisor.newActivationId();
      supervisor.tell(new ActivationSupervisor.Invoke(new ActivationCall(id,
          Fns.function("echo", 1000), 1, new byte[] {1}, null, "req-7", SERVER), caller.ref()));
      caller.awaitAssert(() -> {
        assertEquals(1, cluster.submitted().size());
        return null;
      });
      assertTrue(cluster.emit(new WorkerEvent.Completed(id, Records.success(id, new byte[] {1}))));
      caller.expectMessageClass(Outcome.Succeeded.class);

      Span admission = tracing.named(SpanNames.ADMISSION).orElseThrow();
      assertEquals(SERVER, admission.parent);
      assertTrue(admission.ended());
      Span publish = tracing.named(SpanNames.PUBLISH).orElseThrow();
      assertEquals(TraceSpan.Kind.PRODUCER, publish.kind);
      assertEquals(SERVER, publish.parent);
      assertEquals(id, publish.attributes.get(SpanNames.ACTIVATION_ID));
      caller.awaitAssert(() -> {
        assertTrue(publish.ended(), "ended once the submit completed");
        return null;
      });
      assertEquals(publish.context(), cluster.submitted().get(0).trace());
    }
  }

  @Test
  void untracedTheRequestCarriesNoTrace() {
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 1)) {
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, new FakeStore(), SETTINGS,
              id -> "r." + id, new CountingInFlight()));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      String id = ActivationSupervisor.newActivationId();
      supervisor.tell(new ActivationSupervisor.Invoke(new ActivationCall(id,
          Fns.function("echo", 1000), 1, new byte[] {1}, null, null, SERVER), caller.ref()));
      caller.awaitAssert(() -> {
        assertEquals(1, cluster.submitted().size());
        return null;
      });
      assertEquals(TraceContext.NONE, cluster.submitted().get(0).trace());
      assertTrue(cluster.emit(new WorkerEvent.Completed(id, Records.success(id, new byte[] {1}))));
      caller.expectMessageClass(Outcome.Succeeded.class);
    }
  }
}
