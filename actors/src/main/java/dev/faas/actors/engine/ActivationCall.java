package dev.faas.actors.engine;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.trace.TraceContext;

/**
 * One call of a function, as the engine is asked to run it: what {@link ActivationSupervisor.Invoke}
 * carries and what an {@link ActivationActor} is made from.
 *
 * @param activationId the id to use, or null to have the supervisor make one ({@link
 *     ActivationSupervisor#newActivationId()}); a caller that needs the id before the answer makes
 *     it itself
 * @param function the function to run
 * @param revision the function's revision the call found, recorded with the activation
 * @param input the parameter, as sent
 * @param startedBy the id of the API key the call was made with; null for a token
 * @param requestId the call's {@code X-Request-Id}, in the engine's log lines and passed on to the
 *     worker; null when unknown
 * @param trace the span the activation's spans are children of (the HTTP request's); {@link
 *     TraceContext#NONE} when untraced, which a null becomes
 */
public record ActivationCall(
    String activationId,
    FunctionSpec function,
    long revision,
    byte[] input,
    String startedBy,
    String requestId,
    TraceContext trace) {
  public ActivationCall {
    trace = trace == null ? TraceContext.NONE : trace;
  }

  /** A call made with a token, with no request id, outside any trace (tests, tools). */
  public static ActivationCall of(
      String activationId, FunctionSpec function, long revision, byte[] input) {
    return new ActivationCall(activationId, function, revision, input, null, null, null);
  }

  /** This call as activation {@code id}. */
  public ActivationCall withActivationId(String id) {
    return new ActivationCall(id, function, revision, input, startedBy, requestId, trace);
  }
}
