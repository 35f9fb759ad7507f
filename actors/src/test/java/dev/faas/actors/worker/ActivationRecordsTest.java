package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.PreCall;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Timings as they grow, and the record a runner makes of what it saw. */
class ActivationRecordsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ActivationRequest REQUEST = new ActivationRequest("act0000001",
      Fns.function("echo", 1000), 7, new byte[0], T0, T0.plusSeconds(60), "reply", null, null,
      null);

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  /** timings → queued, acquire, run (ms), for each step an activation may stop at. */
  static Stream<Arguments> timings() {
    Timings acquiring = Timings.acquiring(at(10), at(12));
    return Stream.of(
        Arguments.of("still acquiring", acquiring, 10, 0, 0),
        Arguments.of("no container", acquiring.acquired(at(40)), 10, 28, 0),
        Arguments.of("running", acquiring.running(at(40)), 10, 28, 0),
        Arguments.of("ran", acquiring.running(at(40)).ranUntil(at(140)), 10, 28, 100),
        // Nodes' clocks differ: never a negative span.
        Arguments.of("accepted before submitted", Timings.acquiring(at(-5), at(0)), 0, 0, 0),
        Arguments.of("clock stepped back", acquiring.running(at(5)).ranUntil(at(1)), 10, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timings")
  void timingsInMillis(String name, Timings t, long queued, long acquire, long run) {
    assertEquals(queued, t.queuedMs(T0), "queued");
    assertEquals(acquire, t.acquireMs(), "acquire");
    assertEquals(run, t.runMs(), "run");
  }

  @Test
  void aRunThatEndedWellKeepsItsOutputAndTimings() {
    OutputCapture capture = OutputCapture.empty(1024, 1024)
        .add(FakeRuntime.out("result"))
        .add(FakeRuntime.err("log line"));
    Timings t = Timings.acquiring(at(10), at(10)).running(at(30)).ranUntil(at(90));
    ActivationRecord r = ActivationRecords.ofRun(REQUEST, "w1", Verdicts.afterRun(false, false,
        new ContainerExit(0, false)), t, at(100), capture,
        Optional.of(new PreCall(12L, true)), true);
    assertEquals("act0000001", r.activationId());
    assertEquals(Fns.OWNER, r.owner());
    assertEquals(ActivationStatus.SUCCESS, r.status());
    assertNull(r.failure());
    assertEquals(0, r.exitCode());
    assertArrayEquals("result".getBytes(), r.result());
    assertEquals("log line", r.logs());
    assertFalse(r.logsTruncated());
    assertEquals(T0, r.startedAt());
    assertEquals(100, r.durationMs());
    assertEquals("w1", r.worker());
    assertTrue(r.warm());
    assertEquals(10, r.queuedMs());
    assertEquals(20, r.acquireMs());
    assertEquals(60, r.runMs());
    assertEquals(12L, r.preCallCpuMs());
    assertEquals(Boolean.TRUE, r.preCallFrozen());
  }

  @Test
  void stdoutOverItsCapIsNotAResultButTheLogsAreKept() {
    OutputCapture capture = OutputCapture.empty(4, 3)
        .add(FakeRuntime.err("logs"))
        .add(FakeRuntime.out("too long"));
    assertTrue(capture.overflow());
    ActivationRecord r = ActivationRecords.ofRun(REQUEST, "w1",
        Verdicts.afterRun(false, true, null), Timings.acquiring(at(1), at(1)).running(at(2))
            .ranUntil(at(3)), at(4), capture, Optional.empty(), false);
    assertEquals(FailureKind.OUTPUT_TOO_LARGE, r.failure());
    assertEquals(0, r.result().length);
    assertEquals("log", r.logs());
    assertTrue(r.logsTruncated());
  }

  @Test
  void theRecordKeepsTheRequestIdOfTheCall() {
    ActivationRequest request = new ActivationRequest("act0000001",
        Fns.function("echo", 1000), 7, new byte[0], T0, T0.plusSeconds(60), "reply", "key1",
        "req-9", null);
    ActivationRecord run = ActivationRecords.ofRun(request, "w1", Verdicts.noContainer(null),
        Timings.acquiring(at(5), at(6)).acquired(at(56)), at(60), null, Optional.empty(), false);
    assertEquals("req-9", run.requestId());
    assertEquals("key1", run.startedBy());
    assertEquals("req-9", ActivationRecords.platformError(request, "w1", at(70)).requestId());
    assertNull(ActivationRecords.platformError(REQUEST, "w1", at(70)).requestId());
  }

  @Test
  void withoutARunTheRecordIsEmptyButComplete() {
    ActivationRecord r = ActivationRecords.ofRun(REQUEST, "w1", Verdicts.noContainer(null),
        Timings.acquiring(at(5), at(6)).acquired(at(56)), at(60), null, Optional.empty(), false);
    assertEquals(ActivationStatus.FAILED, r.status());
    assertEquals(FailureKind.PLATFORM_ERROR, r.failure());
    assertNull(r.exitCode());
    assertEquals(0, r.result().length);
    assertEquals("", r.logs());
    assertFalse(r.logsTruncated());
    assertEquals(60, r.durationMs());
    assertEquals(50, r.acquireMs());
    assertEquals(0, r.runMs());
    assertNull(r.preCallCpuMs());
    assertNull(r.preCallFrozen());
  }

  @Test
  void theCapturesBytesAreCopiedAsTheyAre() {
    byte[] raw = {(byte) 0xff, 0, (byte) 0xc3};
    OutputCapture capture = OutputCapture.empty(16, 16).add(
        new OutputFrame(OutputFrame.Channel.STDOUT, ByteString.fromArray(raw)));
    ActivationRecord r = ActivationRecords.ofRun(REQUEST, "w1", Verdicts.afterRun(false, false,
        new ContainerExit(0, false)), Timings.acquiring(T0, T0), T0,
        capture, Optional.empty(), false);
    assertArrayEquals(raw, r.result());
  }
}
