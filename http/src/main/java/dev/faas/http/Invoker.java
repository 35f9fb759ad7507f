package dev.faas.http;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.TraceContext;
import java.util.concurrent.CompletionStage;

/**
 * Starts activations for the invoke endpoint. The node implements it by asking its activation
 * supervisor; tests use a fake. The routes know no actor.
 */
@FunctionalInterface
public interface Invoker {

  /**
   * One call of the invoke endpoint.
   *
   * @param function the function, at the revision the call found
   * @param input the parameter, as sent
   * @param startedBy the id of the API key the call was made with (null for a token), remembered
   *     in the record
   * @param requestId the caller's {@code X-Request-Id} (sane; null when unknown), carried to the
   *     worker's log lines and into the record
   * @param trace the HTTP request's server span ({@link TraceContext#NONE} when untraced): the
   *     activation's spans are its children
   */
  record Invocation(
      Versioned<FunctionSpec> function,
      byte[] input,
      String startedBy,
      String requestId,
      TraceContext trace) {
    public Invocation {
      trace = trace == null ? TraceContext.NONE : trace;
    }

    /** A call with nothing but the function and its input (tests, tools). */
    public static Invocation of(Versioned<FunctionSpec> function, byte[] input) {
      return new Invocation(function, input, null, null, TraceContext.NONE);
    }
  }

  /**
   * Runs the call's function with its input; the stage completes with the activation's one
   * outcome (never exceptionally for a function's failure).
   */
  CompletionStage<Outcome> invoke(Invocation call);
}
