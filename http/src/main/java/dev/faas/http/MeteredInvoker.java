package dev.faas.http;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.outcome.Outcome;
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
  public CompletionStage<Outcome> invoke(Invocation call) {
    long start = System.nanoTime();
    FunctionSpec spec = call.function().value();
    return inner
        .invoke(call)
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
