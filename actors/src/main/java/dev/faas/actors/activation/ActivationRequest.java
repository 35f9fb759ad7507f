package dev.faas.actors.activation;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.trace.TraceContext;
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
 * @param trace the span the worker's spans are children of (the API node's publish), carried in
 *     the message's W3C headers rather than with the rest; {@link TraceContext#NONE} when untraced
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
    String requestId,
    TraceContext trace) {

  public ActivationRequest {
    trace = trace == null ? TraceContext.NONE : trace;
  }

  /** This request, carrying {@code trace}. */
  public ActivationRequest withTrace(TraceContext trace) {
    return new ActivationRequest(
        activationId, function, functionRevision, input, submittedAt, acceptBy, replyTo, startedBy,
        requestId, trace);
  }
}
