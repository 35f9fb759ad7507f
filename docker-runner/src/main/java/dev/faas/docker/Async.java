package dev.faas.docker;

import dev.faas.actors.runtime.ContainerFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs blocking engine calls on the runtime's executor, and hands failures to callers unwrapped:
 * an actor piping a stage to itself sees the {@link ContainerFailure} itself, not a {@link
 * CompletionException} around it.
 */
final class Async {
  private Async() {}

  /** Runs {@code call} on {@code executor}; the future fails with whatever {@code call} throws. */
  static <T> CompletableFuture<T> supply(Executor executor, Supplier<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(call.get());
            } catch (Throwable t) {
              result.completeExceptionally(t);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new ContainerFailure.EngineUnavailable("the Docker executor refused the call", e));
    }
    return result;
  }

  /** Runs {@code call} on {@code executor} for its effect. */
  static CompletableFuture<Void> run(Executor executor, Runnable call) {
    return supply(
        executor,
        () -> {
          call.run();
          return null;
        });
  }

  /** A stage that completes like {@code stage}, but with the cause of a wrapped failure. */
  static <T> CompletableFuture<T> unwrapped(CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(cause(failure));
          }
        });
    return result;
  }

  /** The failure inside the wrappers that futures add. */
  static Throwable cause(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
