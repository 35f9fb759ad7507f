package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.outcome.FailureKind;
import java.time.Duration;
import java.time.Instant;

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
        0);
  }

  /** Milliseconds from {@code from} to {@code to}, never negative (clocks of nodes differ). */
  static long millisBetween(Instant from, Instant to) {
    if (from == null || to == null) {
      return 0;
    }
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
