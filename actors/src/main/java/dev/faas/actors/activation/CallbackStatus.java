package dev.faas.actors.activation;

import java.time.Instant;

/**
 * The completion callback of an asynchronous activation, as its record shows it
 * (docs/decisions/0026): where it goes and how its delivery went.
 *
 * @param url where the final record is POSTed ({@code X-Callback-Url} of the submission)
 * @param state {@value #PENDING} until the activation is final and the callback delivered or
 *     given up: then {@value #DELIVERED}, {@value #FAILED} (every attempt failed) or {@value
 *     #REFUSED} (the address is not one the platform posts to; never retried)
 * @param attempts the delivery attempts so far
 * @param lastStatus the HTTP status of the last attempt's answer; null when none came
 * @param lastError what went wrong with the last attempt; null when it was delivered
 * @param lastAttemptAt when the last attempt ended; null before the first
 */
public record CallbackStatus(
    String url,
    String state,
    int attempts,
    Integer lastStatus,
    String lastError,
    Instant lastAttemptAt) {

  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";
  public static final String REFUSED = "refused";

  /** A callback to {@code url}, not attempted yet. */
  public static CallbackStatus pending(String url) {
    return new CallbackStatus(url, PENDING, 0, null, null, null);
  }

  /** True once nothing more will be attempted. */
  public boolean settled() {
    return !PENDING.equals(state);
  }

  /** After one more attempt that ended at {@code at} leaving the callback in {@code next}. */
  public CallbackStatus attempted(String next, Integer status, String error, Instant at) {
    return new CallbackStatus(url, next, attempts + 1, status, error, at);
  }
}
