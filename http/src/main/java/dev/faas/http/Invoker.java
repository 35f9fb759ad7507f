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
   * Runs {@code function} with {@code input}; the stage completes with the activation's one
   * outcome (never exceptionally for a function's failure).
   */
  CompletionStage<Outcome> invoke(Versioned<FunctionSpec> function, byte[] input);

  /**
   * Runs {@code function} as {@link #invoke(Versioned, byte[])} does, its record remembering
   * {@code startedBy}, the id of the API key the call was made with (null for a token).
   */
  default CompletionStage<Outcome> invoke(
      Versioned<FunctionSpec> function, byte[] input, String startedBy) {
    return invoke(function, input);
  }

  /**
   * Runs {@code function} as {@link #invoke(Versioned, byte[], String)} does, the activation
   * carrying {@code requestId} (the caller's {@code X-Request-Id}, sane; null when unknown) to the
   * worker's log lines and into its record.
   */
  default CompletionStage<Outcome> invoke(
      Versioned<FunctionSpec> function, byte[] input, String startedBy, String requestId) {
    return invoke(function, input, startedBy);
  }

  /**
   * Runs {@code function} as {@link #invoke(Versioned, byte[], String, String)} does, the
   * activation's spans children of {@code trace} (the HTTP request's server span).
   */
  default CompletionStage<Outcome> invoke(
      Versioned<FunctionSpec> function,
      byte[] input,
      String startedBy,
      String requestId,
      TraceContext trace) {
    return invoke(function, input, startedBy, requestId);
  }
}
