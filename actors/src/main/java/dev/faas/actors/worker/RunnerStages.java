package dev.faas.actors.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;

/** The runner's handling of its ports' futures. */
final class RunnerStages {
  private RunnerStages() {}

  /** A port's call as a stage, a synchronous throw included. */
  static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The stage's end as {@link Done}: a stage piped to an actor that has stopped meanwhile becomes a
   * dead letter, and Pekko's dead-letter logging fails on a null value (a {@code Void} stage's).
   */
  static CompletionStage<Done> notNull(CompletionStage<?> stage) {
    return stage.thenApply(v -> Done.getInstance());
  }

  /** The failure a future's callback was given, without its {@link CompletionException} wrap. */
  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
