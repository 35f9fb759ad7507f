package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.outcome.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Activation values for the transport's tests, and a comparison that looks into byte arrays. */
final class Activations {
  private Activations() {}

  /** A fresh valid activation id. */
  static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  static ActivationRequest request(String id, byte[] input, String replyTo) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new ActivationRequest(
        id, Fixtures.function(Fixtures.ANN, "echo", "echo:1"), 7, input, now, now.plusSeconds(30),
        replyTo, null, null, null);
  }

  static ActivationRecord record(
      String owner, String id, String function, Instant startedAt, byte[] result) {
    return new ActivationRecord(
        id, owner, function, ActivationStatus.FAILED, FailureKind.NON_ZERO_EXIT, 3, result,
        "stderr: ünïcödé ✓\nline two", false, startedAt, 1234, "worker-1", true, 5, 40, 300,
        12L, true);
  }

  /** A record the API key {@code startedBy} started. */
  static ActivationRecord startedBy(
      String owner, String id, String function, Instant startedAt, String startedBy) {
    ActivationRecord r = record(owner, id, function, startedAt);
    return new ActivationRecord(
        r.activationId(), r.owner(), r.function(), r.status(), r.failure(), r.exitCode(),
        r.result(), r.logs(), r.logsTruncated(), r.startedAt(), r.durationMs(), r.worker(),
        r.warm(), r.queuedMs(), r.acquireMs(), r.runMs(), r.preCallCpuMs(), r.preCallFrozen(),
        startedBy, null, null);
  }

  static ActivationRecord record(String owner, String id, String function, Instant startedAt) {
    return record(owner, id, function, startedAt, ("result of " + id).getBytes());
  }

  /** Fixed instants a second apart, so sort orders are exact. */
  static Instant at(int second) {
    return Instant.parse("2024-06-01T12:00:00Z").plus(Duration.ofSeconds(second));
  }

  static byte[] allByteValues() {
    byte[] b = new byte[256];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  static void assertSameRequest(ActivationRequest expected, ActivationRequest actual) {
    assertArrayEquals(expected.input(), actual.input(), "input of " + expected.activationId());
    assertEquals(withoutInput(expected), withoutInput(actual));
  }

  static void assertSameRecord(ActivationRecord expected, ActivationRecord actual) {
    assertArrayEquals(expected.result(), actual.result(), "result of " + expected.activationId());
    assertEquals(withoutResult(expected), withoutResult(actual));
  }

  static ActivationRequest withoutInput(ActivationRequest r) {
    return new ActivationRequest(
        r.activationId(), r.function(), r.functionRevision(), null, r.submittedAt(), r.acceptBy(),
        r.replyTo(), r.startedBy(), null, null);
  }

  /** The record as a listing shows it: no result, no logs. */
  static ActivationRecord withoutResultAndLogs(ActivationRecord r) {
    return new ActivationRecord(
        r.activationId(), r.owner(), r.function(), r.status(), r.failure(), r.exitCode(), null,
        null, r.logsTruncated(), r.startedAt(), r.durationMs(), r.worker(), r.warm(),
        r.queuedMs(), r.acquireMs(), r.runMs(), r.preCallCpuMs(), r.preCallFrozen());
  }

  static ActivationRecord withoutResult(ActivationRecord r) {
    return new ActivationRecord(
        r.activationId(), r.owner(), r.function(), r.status(), r.failure(), r.exitCode(), null,
        r.logs(), r.logsTruncated(), r.startedAt(), r.durationMs(), r.worker(), r.warm(),
        r.queuedMs(), r.acquireMs(), r.runMs(), r.preCallCpuMs(), r.preCallFrozen(),
        r.startedBy(), null, null);
  }
}
