package dev.faas.http;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import java.util.concurrent.CompletionStage;

/**
 * Accepts asynchronous activations for the invoke endpoint with {@code Prefer: respond-async}
 * (docs/decisions/0020). The node implements it on its backlog; the routes know no transport.
 */
@FunctionalInterface
public interface AsyncInvoker {

  /**
   * Puts an activation of {@code function} in its owner's backlog; its record exists, {@code
   * queued}, when the stage completes.
   *
   * @param startedBy the API key the call was made with; null for a token
   * @param requestId the call's {@code X-Request-Id}; null when unknown
   * @param idempotencyKey the caller's {@code Idempotency-Key}; null when none
   * @return the activation's id: a new one, or the first one of the same idempotency key. It
   *     fails with {@code AdmissionRefused.Full} (user or cluster) when the backlog is full, and
   *     {@code AdmissionRefused.Unavailable} or {@code StoreException.Unavailable} when the
   *     backlog cannot be reached.
   */
  CompletionStage<String> submit(
      Versioned<FunctionSpec> function,
      byte[] input,
      String startedBy,
      String requestId,
      String idempotencyKey);
}
