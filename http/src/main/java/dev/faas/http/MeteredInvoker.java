package dev.faas.http;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.TraceContext;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * An {@link Invoker} whose every answer is counted in {@link ActivationMetrics#answered}, timed
 * from the call to the outcome on this node's own clock. A stage that fails (an invoker bug) is
 * passed on uncounted: the HTTP layer answers it as a platform error and the request timer sees it.
 */
public final class MeteredInvoker implements Invoker {
  private final Invoker inner;
  private final ActivationMetrics metrics;

  public MeteredInvoker(Invoker inner, ActivationMetrics metrics) {
    this.inner = inner;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<Outcome> invoke(Versioned<FunctionSpec> function, byte[] input) {
    return invoke(function, input, null, null);
  }

  @Override
  public CompletionStage<Outcome> invoke(
      Versioned<FunctionSpec> function, byte[] input, String startedBy) {
    return invoke(function, input, startedBy, null);
  }

  @Override
  public CompletionStage<Outcome> invoke(
      Versioned<FunctionSpec> function, byte[] input, String startedBy, String requestId) {
    return invoke(function, input, startedBy, requestId, TraceContext.NONE);
  }

  @Override
  public CompletionStage<Outcome> invoke(
      Versioned<FunctionSpec> function,
      byte[] input,
      String startedBy,
      String requestId,
      TraceContext trace) {
    long start = System.nanoTime();
    FunctionSpec spec = function.value();
    return inner
        .invoke(function, input, startedBy, requestId, trace)
        .thenApply(
            outcome -> {
              try {
                metrics.answered(
                    spec.owner(), spec.name(), outcome,
                    Duration.ofNanos(System.nanoTime() - start));
              } catch (RuntimeException e) {
                // A metric is never worth the caller's answer.
              }
              return outcome;
            });
  }
}
