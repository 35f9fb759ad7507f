package dev.faas.http;

import java.util.concurrent.CompletionStage;

/**
 * Accepts asynchronous activations for the invoke endpoint with {@code Prefer: respond-async}
 * (docs/decisions/0020). The node implements it on its backlog; the routes know no transport.
 */
@FunctionalInterface
public interface AsyncInvoker {

  /**
   * One asynchronous call.
   *
   * @param call the function, the input, who made it, its request id and trace (its attempts'
   *     spans continue that trace)
   * @param idempotencyKey the caller's {@code Idempotency-Key}; null when none
   * @param callbackUrl the caller's {@code X-Callback-Url}, a well-formed {@code http} or {@code
   *     https} URL (docs/decisions/0026); null when none
   */
  record Submission(Invoker.Invocation call, String idempotencyKey, String callbackUrl) {}

  /** The platform does not post callbacks to this URL: the call is refused with a {@code 400}. */
  final class CallbackRefused extends RuntimeException {
    public CallbackRefused(String message) {
      super(message);
    }
  }

  /**
   * Puts an activation in its owner's backlog; its record exists, {@code queued}, when the stage
   * completes.
   *
   * @return the activation's id: a new one, or the first one of the same idempotency key. It
   *     fails with {@code AdmissionRefused.Full} (user or cluster) when the backlog is full,
   *     {@link CallbackRefused} when the callback's address is not one the platform posts to, and
   *     {@code AdmissionRefused.Unavailable} or {@code StoreException.Unavailable} when the
   *     backlog cannot be reached.
   */
  CompletionStage<String> submit(Submission submission);
}
