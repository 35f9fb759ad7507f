package dev.faas.actors.activation;

import java.time.Instant;

/**
 * One attempt of an asynchronous activation, as its record shows it. Each attempt is an
 * activation of its own (its own id and record, written by the worker that ran it); the
 * asynchronous record lists them in order.
 *
 * @param number 1 for the first attempt
 * @param activationId the attempt's own activation id ({@link AsyncIds#attempt})
 * @param startedAt when it was dispatched
 * @param endedAt when its outcome was known; null while it runs
 * @param status {@code running}, or the attempt's outcome: {@code success}, {@code failed},
 *     {@code timeout}, {@code unavailable} (no worker could run it), {@code lost} (its outcome
 *     was never known)
 * @param error what went wrong, null on success and while running
 * @param fault {@code function} or {@code platform} for a failed attempt; null otherwise
 */
public record AsyncAttempt(
    int number,
    String activationId,
    Instant startedAt,
    Instant endedAt,
    String status,
    String error,
    String fault) {

  public static final String RUNNING = "running";

  /** A dispatched attempt, not ended yet. */
  public static AsyncAttempt running(int number, String activationId, Instant startedAt) {
    return new AsyncAttempt(number, activationId, startedAt, null, RUNNING, null, null);
  }

  /** This attempt ended at {@code at} with {@code status}. */
  public AsyncAttempt ended(Instant at, String endStatus, String endError, String endFault) {
    return new AsyncAttempt(number, activationId, startedAt, at, endStatus, endError, endFault);
  }
}
