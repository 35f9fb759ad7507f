package dev.faas.actors.activation;

import dev.faas.actors.outcome.FailureKind;
import java.time.Instant;

/**
 * What is kept of a finished activation (API.md, "Activation records"), plus where its time went.
 *
 * @param activationId the activation's id
 * @param owner the user id of the user who invoked it (the function's owner)
 * @param function the function's name
 * @param status success, failed or timeout
 * @param failure why it did not succeed; null on success
 * @param exitCode the container's exit code; null when there was no exit (never started, killed
 *     at its timeout)
 * @param result stdout, byte for byte (empty when it failed before producing any)
 * @param logs stderr, up to the configured cap, UTF-8 with malformed bytes replaced
 * @param logsTruncated true when stderr was longer than the cap
 * @param startedAt when the API node admitted it
 * @param durationMs from admission to the end of the container
 * @param worker the worker that ran it
 * @param warm true when it ran in a container started ahead of time
 * @param queuedMs from admission until a worker took it
 * @param acquireMs getting a container (started, or taken from the warm pool)
 * @param runMs from writing the parameter to the end of output
 * @param preCallCpuMs the CPU its container used while it waited in the warm pool, before the
 *     call (docs/decisions/0008); null when unknown (a cold start, a runtime that cannot measure)
 * @param preCallFrozen true when its container had spent its pre-call CPU budget and was frozen
 *     until the call, false when it ran freely; null when unknown
 * @param startedBy the id of the API key that started it; null when a token did (an {@code
 *     invoke} key reads only the records it started)
 * @param requestId the {@code X-Request-Id} of the call that started it; null when unknown (a
 *     record written before request ids, or a call that came with none)
 * @param async for an asynchronous activation, its times and its attempts; null for a
 *     synchronous one
 */
public record ActivationRecord(
    String activationId,
    String owner,
    String function,
    ActivationStatus status,
    FailureKind failure,
    Integer exitCode,
    byte[] result,
    String logs,
    boolean logsTruncated,
    Instant startedAt,
    long durationMs,
    String worker,
    boolean warm,
    long queuedMs,
    long acquireMs,
    long runMs,
    Long preCallCpuMs,
    Boolean preCallFrozen,
    String startedBy,
    String requestId,
    AsyncInfo async) {

  /** A record started with a token. */
  public ActivationRecord(
      String activationId,
      String owner,
      String function,
      ActivationStatus status,
      FailureKind failure,
      Integer exitCode,
      byte[] result,
      String logs,
      boolean logsTruncated,
      Instant startedAt,
      long durationMs,
      String worker,
      boolean warm,
      long queuedMs,
      long acquireMs,
      long runMs,
      Long preCallCpuMs,
      Boolean preCallFrozen) {
    this(
        activationId, owner, function, status, failure, exitCode, result, logs, logsTruncated,
        startedAt, durationMs, worker, warm, queuedMs, acquireMs, runMs, preCallCpuMs,
        preCallFrozen, null, null, null);
  }

  /** A record with nothing known of its container before the call. */
  public ActivationRecord(
      String activationId,
      String owner,
      String function,
      ActivationStatus status,
      FailureKind failure,
      Integer exitCode,
      byte[] result,
      String logs,
      boolean logsTruncated,
      Instant startedAt,
      long durationMs,
      String worker,
      boolean warm,
      long queuedMs,
      long acquireMs,
      long runMs) {
    this(
        activationId, owner, function, status, failure, exitCode, result, logs, logsTruncated,
        startedAt, durationMs, worker, warm, queuedMs, acquireMs, runMs, null, null, null, null,
        null);
  }

  /** This record with {@code async} as its asynchronous part. */
  public ActivationRecord withAsync(AsyncInfo info) {
    return new ActivationRecord(
        activationId, owner, function, status, failure, exitCode, result, logs, logsTruncated,
        startedAt, durationMs, worker, warm, queuedMs, acquireMs, runMs, preCallCpuMs,
        preCallFrozen, startedBy, requestId, info);
  }

  /** This record with {@code next} as its status. */
  public ActivationRecord withStatus(ActivationStatus next) {
    return new ActivationRecord(
        activationId, owner, function, next, failure, exitCode, result, logs, logsTruncated,
        startedAt, durationMs, worker, warm, queuedMs, acquireMs, runMs, preCallCpuMs,
        preCallFrozen, startedBy, requestId, async);
  }

  /** The store key: owner first, like functions. */
  public String key() {
    return owner + "." + activationId;
  }
}
