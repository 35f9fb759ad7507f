package dev.faas.actors.activation;

import dev.faas.actors.trace.TraceContext;
import java.time.Instant;

/**
 * An asynchronous activation as it waits in the backlog: everything needed to run it, whatever
 * API node dispatches it.
 *
 * @param activationId the id its caller was given with the {@code 202}
 * @param owner the user id of its caller
 * @param function the function's name (looked up again when it runs)
 * @param input the parameter, byte for byte
 * @param startedBy the API key it was submitted with; null for a token
 * @param requestId the submitting call's {@code X-Request-Id}; null when unknown
 * @param queuedAt when it was accepted
 * @param callbackUrl where its final record is POSTed ({@code X-Callback-Url}); null for none
 * @param trace the submitting request's trace: every attempt's spans continue it
 */
public record AsyncRequest(
    String activationId,
    String owner,
    String function,
    byte[] input,
    String startedBy,
    String requestId,
    Instant queuedAt,
    String callbackUrl,
    TraceContext trace) {

  public AsyncRequest {
    trace = trace == null ? TraceContext.NONE : trace;
  }
}
