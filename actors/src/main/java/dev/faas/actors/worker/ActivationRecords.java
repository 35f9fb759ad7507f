package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.PreCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Building records on the worker. */
final class ActivationRecords {
  private ActivationRecords() {}

  /** How an activation ended, before its record is written. */
  record Verdict(ActivationStatus status, FailureKind failure, Integer exitCode) {
    static Verdict success() {
      return new Verdict(ActivationStatus.SUCCESS, null, 0);
    }

    static Verdict timeout() {
      return new Verdict(ActivationStatus.TIMEOUT, FailureKind.TIMEOUT, null);
    }

    static Verdict failed(FailureKind failure, Integer exitCode) {
      return new Verdict(ActivationStatus.FAILED, failure, exitCode);
    }
  }

  /**
   * The record of an activation its runner saw to the end.
   *
   * @param capture what the container wrote; null when it never ran or its output failed
   * @param preCall what the container did before its call (decision 0008), when known
   * @param end when the activation ended
   */
  static ActivationRecord ofRun(ActivationRequest request, String workerId, Verdict verdict,
      Timings timings, Instant end, OutputCapture capture, Optional<PreCall> preCall,
      boolean warm) {
    // Stdout past its cap is not a result: the caller gets the failure, not a truncated answer.
    boolean keepStdout = capture != null && !capture.overflow();
    return new ActivationRecord(
        request.activationId(),
        request.function().owner(),
        request.function().name(),
        verdict.status(),
        verdict.failure(),
        verdict.exitCode(),
        keepStdout ? capture.stdout().toArray() : new byte[0],
        capture == null ? "" : new String(capture.stderr().toArray(), StandardCharsets.UTF_8),
        capture != null && capture.logsTruncated(),
        request.submittedAt(),
        millisBetween(request.submittedAt(), end),
        workerId,
        warm,
        timings.queuedMs(request.submittedAt()),
        timings.acquireMs(),
        timings.runMs(),
        preCall.map(PreCall::cpuMs).orElse(null),
        preCall.map(PreCall::frozen).orElse(null),
        request.startedBy(),
        request.requestId(),
        null); // async: none
  }

  /** The record of an activation the worker could not finish normally (its runner crashed). */
  static ActivationRecord platformError(ActivationRequest request, String workerId, Instant now) {
    return new ActivationRecord(
        request.activationId(),
        request.function().owner(),
        request.function().name(),
        ActivationStatus.FAILED,
        FailureKind.PLATFORM_ERROR,
        null,
        new byte[0],
        "",
        false,
        request.submittedAt(),
        millisBetween(request.submittedAt(), now),
        workerId,
        false,
        0,
        0,
        0,
        null,
        null,
        request.startedBy(),
        request.requestId(),
        null); // async: none
  }

  /** Milliseconds from {@code from} to {@code to}, never negative (clocks of nodes differ). */
  static long millisBetween(Instant from, Instant to) {
    if (from == null || to == null) {
      return 0;
    }
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
