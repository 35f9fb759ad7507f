package dev.faas.actors.engine;

import dev.faas.actors.activation.CallbackStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * The pure decisions of a completion callback's delivery (docs/decisions/0026): what an attempt's
 * result makes of the callback's state, and when the next attempt is.
 */
public final class CallbackSteps {
  /** The longest wait between two attempts. */
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /** How one delivery attempt ended. */
  public sealed interface Result {}

  /** The receiver answered 2xx. */
  public record Delivered(int status) implements Result {}

  /** No 2xx: an error status ({@code status}), or none at all (0): worth another attempt. */
  public record Failed(String reason, int status) implements Result {}

  /** The platform does not post there (the address policy, a malformed URL): never retried. */
  public record Refused(String reason) implements Result {}

  /**
   * The callback's state after an attempt, and when to try again.
   *
   * @param status the callback as the record has it after the attempt
   * @param retryAfter the wait before the next attempt; null when nothing more is attempted
   */
  public record Step(CallbackStatus status, Duration retryAfter) {}

  private CallbackSteps() {}

  /**
   * What {@code result} of attempt {@code attempt} (1 for the first) makes of {@code before}.
   *
   * @param attempts the most attempts in all
   * @param firstBackoff the wait after the first failed attempt; each next one is four times as
   *     long, up to an hour
   */
  public static Step after(
      CallbackStatus before, Result result, int attempt, int attempts, Duration firstBackoff,
      Instant now) {
    if (result instanceof Delivered d) {
      return new Step(before.attempted(CallbackStatus.DELIVERED, d.status(), null, now), null);
    }
    if (result instanceof Refused r) {
      return new Step(before.attempted(CallbackStatus.REFUSED, null, r.reason(), now), null);
    }
    Failed f = (Failed) result;
    Integer status = f.status() == 0 ? null : f.status();
    if (attempt >= attempts) {
      return new Step(before.attempted(CallbackStatus.FAILED, status, f.reason(), now), null);
    }
    return new Step(
        before.attempted(CallbackStatus.PENDING, status, f.reason(), now),
        backoff(attempt, firstBackoff));
  }

  /** The wait after failed attempt {@code attempt}: {@code first} × 4^(attempt − 1), at most 1 h. */
  static Duration backoff(int attempt, Duration first) {
    Duration d = first;
    for (int i = 1; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(4);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }
}
