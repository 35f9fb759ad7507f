package dev.faas.node.it;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waits for a condition the test can observe: a poll every {@value #POLL_MS} ms until it
 * holds or the bound runs out, never a fixed sleep standing in for synchronisation.
 */
public final class Await {
  private static final long POLL_MS = 50;

  private Await() {}

  /** A check that may throw, as most checks here call a process or the network. */
  @FunctionalInterface
  public interface Check<T> {
    T get() throws Exception;
  }

  /**
   * Polls {@code value} until {@code done} accepts it, and returns that value.
   *
   * @throws AssertionError with {@code what} and the last value seen, when it never does
   */
  public static <T> T until(
      Duration within, String what, Check<T> value, Predicate<T> done)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      T last = value.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + within + "; last: " + last);
      }
      Thread.sleep(POLL_MS);
    }
  }

  /** Polls {@code condition} until it is true. */
  public static void until(Duration within, Supplier<String> what, Check<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what.get() + " did not happen within " + within);
      }
      Thread.sleep(POLL_MS);
    }
  }
}
