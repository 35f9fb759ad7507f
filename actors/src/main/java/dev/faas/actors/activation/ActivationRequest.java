package dev.faas.actors.activation;

import dev.faas.actors.model.FunctionSpec;
import java.time.Instant;

/**
 * One admitted call, as it travels from an API node to a worker. It carries the function as the
 * API node saw it, so a worker never reads the store on its hot path.
 *
 * @param activationId unique id, lower-case alphanumeric
 * @param function the function at the revision that was invoked
 * @param functionRevision that revision
 * @param input the parameter, byte for byte
 * @param submittedAt when the API node admitted it
 * @param acceptBy a worker that pulls it after this instant drops it unrun: its caller has
 *     already been told that no worker could take it
 * @param replyTo where the worker sends {@link WorkerEvent}s for this activation
 * @param startedBy the id of the API key the call was made with; null for a token
 * @param requestId the {@code X-Request-Id} of the call, for the worker's log lines and the
 *     record; null when unknown (a message from a node before request ids)
 */
public record ActivationRequest(
    String activationId,
    FunctionSpec function,
    long functionRevision,
    byte[] input,
    Instant submittedAt,
    Instant acceptBy,
    String replyTo,
    String startedBy,
    String requestId) {

  /** A request with no request id. */
  public ActivationRequest(
      String activationId,
      FunctionSpec function,
      long functionRevision,
      byte[] input,
      Instant submittedAt,
      Instant acceptBy,
      String replyTo,
      String startedBy) {
    this(
        activationId, function, functionRevision, input, submittedAt, acceptBy, replyTo, startedBy,
        null);
  }

  /** A request made with a token. */
  public ActivationRequest(
      String activationId,
      FunctionSpec function,
      long functionRevision,
      byte[] input,
      Instant submittedAt,
      Instant acceptBy,
      String replyTo) {
    this(activationId, function, functionRevision, input, submittedAt, acceptBy, replyTo, null, null);
  }
}
