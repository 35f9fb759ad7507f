package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.RecordingTracing;
import dev.faas.actors.fakes.RecordingTracing.Span;
import dev.faas.actors.runtime.ImagePull;
import dev.faas.actors.trace.SpanNames;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A runner's spans (docs/decisions/0022): the activation's process span under the context its
 * message carried, and under it the container's acquisition (with the pull a cold start waited
 * for), the run and each write of the record; all ended once the activation is answered.
 */
class RunnerTraceTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final RunnerSettings SETTINGS =
      new RunnerSettings(RunnerSettings.MIB, 64, Duration.ofMillis(50), 500_000_000L, 32,
          8 * RunnerSettings.MIB, Duration.ofSeconds(2), Duration.ofSeconds(1),
          Duration.ofSeconds(2));
  private static final TraceContext PUBLISH =
      new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v");

  private final FakeRuntime runtime = new FakeRuntime();
  private final RecordingTracing tracing = new RecordingTracing();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private RunnerHarness run(String image, int failingPuts) {
    return new RunnerHarness(testKit, runtime, Fns.function(image, 10_000),
        "x".getBytes(StandardCharsets.UTF_8), SETTINGS, failingPuts, 0, tracing, PUBLISH);
  }

  private List<Span> named(String name) {
    return tracing.spans.stream().filter(s -> s.name.equals(name)).toList();
  }

  private Span one(String name) {
    List<Span> spans = named(name);
    assertEquals(1, spans.size(), () -> name + " in " + tracing.spans);
    return spans.get(0);
  }

  @Test
  void aRunIsAProcessSpanUnderThePublishWithAcquireRunAndRecordWriteUnderIt() {
    RunnerHarness h = run("echo", 0);
    assertEquals(ActivationStatus.SUCCESS, h.finished().status());

    Span process = one(SpanNames.PROCESS);
    assertEquals(TraceSpan.Kind.CONSUMER, process.kind);
    assertEquals(PUBLISH, process.parent);
    assertEquals(h.id, process.attributes.get(SpanNames.ACTIVATION_ID));
    assertEquals(RunnerHarness.WORKER, process.attributes.get(SpanNames.WORKER));
    assertEquals("success", process.attributes.get(SpanNames.STATUS));
    Span acquire = one(SpanNames.ACQUIRE);
    assertEquals("cold", acquire.attributes.get(SpanNames.START));
    Span run = one(SpanNames.RUN);
    Span write = one(SpanNames.RECORD_WRITE);
    assertEquals(1L, write.attributes.get(SpanNames.ATTEMPT));
    for (Span child : List.of(acquire, run, write)) {
      assertTrue(process.parentOf(child), child + " under " + process);
      assertTrue(child.ended(), child + " ended");
      assertNull(child.failure(), child + " did not fail");
    }
    assertTrue(process.ended());
    assertTrue(named(SpanNames.PULL).isEmpty(), "no pull: the image was there");
  }

  @Test
  void thePullAColdStartWaitedForIsASpanUnderTheAcquisition() {
    Instant from = Instant.now().minusMillis(800);
    runtime.pulled(new ImagePull("echo", from, from.plusMillis(700)));
    run("echo", 0).finished();

    Span pull = one(SpanNames.PULL);
    assertTrue(one(SpanNames.ACQUIRE).parentOf(pull));
    assertEquals("echo", pull.attributes.get(SpanNames.IMAGE));
    assertTrue(pull.ended());
  }

  @Test
  void aFailedRecordWriteIsAFailedSpanAndItsRetryAnother() {
    run("echo", 1).finished();

    List<Span> writes = named(SpanNames.RECORD_WRITE);
    assertEquals(2, writes.size(), writes::toString);
    assertEquals(1L, writes.get(0).attributes.get(SpanNames.ATTEMPT));
    assertTrue(writes.get(0).failure() != null, "the first write failed");
    assertEquals(2L, writes.get(1).attributes.get(SpanNames.ATTEMPT));
    assertNull(writes.get(1).failure());
  }

  @Test
  void aFailingFunctionFailsItsRunAndProcessSpans() {
    run("fail", 0).finished();

    assertTrue(one(SpanNames.RUN).failure() != null, "the run failed");
    assertTrue(one(SpanNames.PROCESS).failure() != null, "the activation failed");
    assertEquals("failed", one(SpanNames.PROCESS).attributes.get(SpanNames.STATUS));
  }
}
