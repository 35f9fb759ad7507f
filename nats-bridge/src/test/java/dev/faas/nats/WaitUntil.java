package dev.faas.nats;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a bound passes: the tests' only way to wait. */
final class WaitUntil {
  private static final long POLL_MILLIS = 10;

  private WaitUntil() {}

  static void waitUntil(Duration bound, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + bound + ": " + what);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
