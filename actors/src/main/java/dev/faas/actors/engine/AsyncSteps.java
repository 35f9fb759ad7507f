package dev.faas.actors.engine;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.AsyncAttempt;
import dev.faas.actors.activation.AsyncInfo;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Fault;
import dev.faas.actors.outcome.LimitReached;
import dev.faas.actors.outcome.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The pure decisions of an asynchronous activation's life (docs/decisions/0020): its first
 * record, the record of a dispatched attempt, and what an attempt's outcome makes of it.
 */
public final class AsyncSteps {
  /** The first retry waits this long, each next one twice as long, up to {@link #MAX_BACKOFF}. */
  static final Duration BASE_BACKOFF = Duration.ofMillis(500);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** What to do with the record after an attempt. */
  public sealed interface Step {
    ActivationRecord record();
  }

  /** Final: write it, list it, and the backlog's message goes. */
  public record Done(ActivationRecord record) implements Step {}

  /** Queued again for another attempt, no earlier than its {@code notBefore}. */
  public record Retry(ActivationRecord record, boolean platform) implements Step {}

  /** Nothing ran: a limit refused it. Queued again as it was, no attempt spent. */
  public record Refused(ActivationRecord record, LimitReached limit) implements Step {}

  private AsyncSteps() {}

  /** The record of a fresh submission. */
  public static ActivationRecord queued(AsyncRequest r, int platformRetries, int functionRetries) {
    return new ActivationRecord(
        r.activationId(), r.owner(), r.function(), ActivationStatus.QUEUED, null, null,
        new byte[0], "", false, r.queuedAt(), 0, null, false, 0, 0, 0, null, null,
        r.startedBy(), r.requestId(),
        AsyncInfo.queued(r.queuedAt(), platformRetries, functionRetries, r.callbackUrl()));
  }

  /** The record once attempt {@code number} (id {@code attemptId}) is dispatched at {@code now}. */
  public static ActivationRecord running(
      ActivationRecord queued, int number, String attemptId, Instant now) {
    return queued
        .withStatus(ActivationStatus.RUNNING)
        .withAsync(queued.async().withAttempt(AsyncAttempt.running(number, attemptId, now), now));
  }

  /** The record after its running attempt ended with {@code outcome} at {@code now}. */
  public static Step after(ActivationRecord running, Outcome outcome, Instant now) {
    AsyncInfo info = running.async();
    AsyncAttempt attempt = info.last();
    if (outcome instanceof Outcome.Rejected rejected) {
      return new Refused(
          running.withStatus(ActivationStatus.QUEUED).withAsync(info.withoutLast()),
          rejected.limit());
    }
    if (outcome instanceof Outcome.Succeeded ok) {
      AsyncAttempt ended = attempt.ended(now, "success", null, null);
      return new Done(finalFrom(running, ok.record(), ActivationStatus.SUCCESS, null, null,
          info.withLast(ended).finished(now)));
    }
    Outcome.Failure failure = (Outcome.Failure) outcome;
    boolean platform = failure.fault() == Fault.PLATFORM;
    ActivationRecord worker = null;
    FailureKind kind = FailureKind.PLATFORM_ERROR;
    Integer exitCode = null;
    ActivationStatus status = ActivationStatus.FAILED;
    String attemptStatus = "failed";
    String error;
    if (failure instanceof Outcome.Failed failed) {
      worker = failed.record();
      kind = failed.kind();
      exitCode = failed.exitCode();
      error = kind.detail();
      if (kind == FailureKind.WORKER_LOST) {
        attemptStatus = "lost";
      }
    } else if (failure instanceof Outcome.TimedOut timedOut) {
      worker = timedOut.record();
      kind = FailureKind.TIMEOUT;
      status = ActivationStatus.TIMEOUT;
      attemptStatus = "timeout";
      error = kind.detail();
    } else {
      error = ((Outcome.Unavailable) failure).reason();
      attemptStatus = "unavailable";
    }
    AsyncInfo ended =
        info.withLast(
            attempt.ended(now, attemptStatus, error,
                (platform ? Fault.PLATFORM : Fault.FUNCTION).name().toLowerCase(Locale.ROOT)));
    int left = platform ? info.retriesLeftPlatform() : info.retriesLeftFunction();
    if (left > 0) {
      Instant after = now.plus(backoff(ended.attempts().size()));
      return new Retry(
          running.withStatus(ActivationStatus.QUEUED).withAsync(ended.retrying(after, platform)),
          platform);
    }
    return new Done(finalFrom(running, worker, status, kind, exitCode, ended.finished(now)));
  }

  /** How long before the attempt after {@code attempts} attempts. */
  static Duration backoff(int attempts) {
    long factor = 1L << Math.min(Math.max(attempts - 1, 0), 16);
    Duration d = BASE_BACKOFF.multipliedBy(factor);
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /** The asynchronous record, final, with what its last attempt's worker recorded. */
  private static ActivationRecord finalFrom(
      ActivationRecord async,
      ActivationRecord worker,
      ActivationStatus status,
      FailureKind kind,
      Integer exitCode,
      AsyncInfo info) {
    if (worker == null) {
      return new ActivationRecord(
          async.activationId(), async.owner(), async.function(), status, kind, exitCode,
          new byte[0], "", false, async.startedAt(), 0, null, false, 0, 0, 0, null, null,
          async.startedBy(), async.requestId(), info);
    }
    return new ActivationRecord(
        async.activationId(), async.owner(), async.function(), status,
        status == ActivationStatus.SUCCESS ? null : kind,
        worker.exitCode() != null ? worker.exitCode() : exitCode,
        worker.result(), worker.logs(), worker.logsTruncated(), worker.startedAt(),
        worker.durationMs(), worker.worker(), worker.warm(), worker.queuedMs(),
        worker.acquireMs(), worker.runMs(), worker.preCallCpuMs(), worker.preCallFrozen(),
        async.startedBy(), async.requestId(), info);
  }
}
