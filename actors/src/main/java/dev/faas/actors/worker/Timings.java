package dev.faas.actors.worker;

import java.time.Instant;

/**
 * When an activation reached each step on its worker, filled in as it goes: accepted, then
 * acquiring a container, acquired, its run started and ended. A step not reached is null and
 * counts as 0 ms in the record.
 */
record Timings(Instant accepted, Instant acquireStart, Instant acquired, Instant runStart,
    Instant runEnd) {

  /** Accepted at {@code accepted}, getting its container since {@code at}. */
  static Timings acquiring(Instant accepted, Instant at) {
    return new Timings(accepted, at, null, null, null);
  }

  /** Its container came (or was given up on) at {@code at}. */
  Timings acquired(Instant at) {
    return new Timings(accepted, acquireStart, at, runStart, runEnd);
  }

  /** Its container came at {@code at} and its run started right away. */
  Timings running(Instant at) {
    return new Timings(accepted, acquireStart, at, at, runEnd);
  }

  /** Its run ended (its output did, or it was cut short) at {@code at}. */
  Timings ranUntil(Instant at) {
    return new Timings(accepted, acquireStart, acquired, runStart, at);
  }

  /** From submission (on the API node) to the worker's accepting it. */
  long queuedMs(Instant submitted) {
    return ActivationRecords.millisBetween(submitted, accepted);
  }

  long acquireMs() {
    return ActivationRecords.millisBetween(acquireStart, acquired);
  }

  long runMs() {
    return ActivationRecords.millisBetween(runStart, runEnd);
  }
}
