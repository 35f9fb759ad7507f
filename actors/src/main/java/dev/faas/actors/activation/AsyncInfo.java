package dev.faas.actors.activation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The asynchronous part of an activation's record: when each step happened, and every attempt.
 *
 * @param queuedAt when it was accepted (its {@code 202})
 * @param runningAt when its latest attempt was dispatched; null while queued for the first time
 * @param finishedAt when it reached its final status; null before
 * @param attempts every attempt so far, oldest first
 * @param retriesLeftPlatform how many more attempts a platform fault may cost
 * @param retriesLeftFunction how many more attempts the function's own failure may cost
 * @param notBefore the earliest time of its next attempt (a retry's backoff); null: at once
 * @param callback its completion callback (docs/decisions/0026); null when it asked for none
 */
public record AsyncInfo(
    Instant queuedAt,
    Instant runningAt,
    Instant finishedAt,
    List<AsyncAttempt> attempts,
    int retriesLeftPlatform,
    int retriesLeftFunction,
    Instant notBefore,
    CallbackStatus callback) {

  public AsyncInfo {
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
  }

  /** A fresh submission; {@code callbackUrl} null when it asked for no callback. */
  public static AsyncInfo queued(
      Instant at, int platformRetries, int functionRetries, String callbackUrl) {
    return new AsyncInfo(at, null, null, List.of(), platformRetries, functionRetries, null,
        callbackUrl == null ? null : CallbackStatus.pending(callbackUrl));
  }

  /** With its callback as {@code status}. */
  public AsyncInfo withCallback(CallbackStatus status) {
    return new AsyncInfo(queuedAt, runningAt, finishedAt, attempts, retriesLeftPlatform,
        retriesLeftFunction, notBefore, status);
  }

  /** The last attempt, or null before the first. */
  public AsyncAttempt last() {
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }

  /** With {@code attempt} appended. */
  public AsyncInfo withAttempt(AsyncAttempt attempt, Instant at) {
    List<AsyncAttempt> next = new ArrayList<>(attempts);
    next.add(attempt);
    return new AsyncInfo(queuedAt, at, finishedAt, next, retriesLeftPlatform,
        retriesLeftFunction, null, callback);
  }

  /** With its last attempt replaced by {@code attempt}. */
  public AsyncInfo withLast(AsyncAttempt attempt) {
    List<AsyncAttempt> next = new ArrayList<>(attempts);
    next.set(next.size() - 1, attempt);
    return new AsyncInfo(queuedAt, runningAt, finishedAt, next, retriesLeftPlatform,
        retriesLeftFunction, notBefore, callback);
  }

  /** Without its last attempt (it never ran: a limit refused it). */
  public AsyncInfo withoutLast() {
    return new AsyncInfo(queuedAt, runningAt, finishedAt, attempts.subList(0, attempts.size() - 1),
        retriesLeftPlatform, retriesLeftFunction, notBefore, callback);
  }

  /** Queued again for a retry, no earlier than {@code after}, one retry of {@code fault} spent. */
  public AsyncInfo retrying(Instant after, boolean platformFault) {
    return new AsyncInfo(queuedAt, runningAt, finishedAt, attempts,
        platformFault ? retriesLeftPlatform - 1 : retriesLeftPlatform,
        platformFault ? retriesLeftFunction : retriesLeftFunction - 1, after, callback);
  }

  /** Final at {@code at}. */
  public AsyncInfo finished(Instant at) {
    return new AsyncInfo(queuedAt, runningAt, at, attempts, retriesLeftPlatform,
        retriesLeftFunction, null, callback);
  }
}
