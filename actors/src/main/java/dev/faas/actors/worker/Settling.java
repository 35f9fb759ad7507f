package dev.faas.actors.worker;

import java.time.Duration;

/**
 * How far a finished activation's settling got: its record's write and its item's ack, each
 * sent once and then again after a failure (NATS away), until both are done or the runner gives up
 * and answers anyway ({@link #ended}): after that, no more retries.
 *
 * @param recordAttempts record writes sent so far
 * @param ackAttempts acks sent so far
 */
record Settling(int recordAttempts, int ackAttempts, boolean recordWritten, boolean acked,
    boolean ended) {

  static final Duration RETRY_MIN = Duration.ofMillis(250);
  static final Duration RETRY_MAX = Duration.ofSeconds(2);

  /** The first write and the first ack are on their way. */
  static Settling firstAttempts() {
    return new Settling(1, 1, false, false, false);
  }

  Settling written() {
    return new Settling(recordAttempts, ackAttempts, true, acked, ended);
  }

  Settling ackConfirmed() {
    return new Settling(recordAttempts, ackAttempts, recordWritten, true, ended);
  }

  Settling writeRetried() {
    return new Settling(recordAttempts + 1, ackAttempts, recordWritten, acked, ended);
  }

  Settling ackRetried() {
    return new Settling(recordAttempts, ackAttempts + 1, recordWritten, acked, ended);
  }

  /** Settled, or given up on: the answer goes out, nothing is retried any more. */
  Settling end() {
    return new Settling(recordAttempts, ackAttempts, recordWritten, acked, true);
  }

  /** The record is written and the item acked. */
  boolean complete() {
    return recordWritten && acked;
  }

  /** Either took more than one attempt. */
  boolean retried() {
    return recordAttempts > 1 || ackAttempts > 1;
  }

  /** The wait before the next attempt after {@code attempts} failed ones: 250 ms, doubling up to 2 s. */
  static Duration backoff(int attempts) {
    long millis = RETRY_MIN.toMillis() << Math.min(Math.max(0, attempts - 1), 16);
    return Duration.ofMillis(Math.min(millis, RETRY_MAX.toMillis()));
  }
}
