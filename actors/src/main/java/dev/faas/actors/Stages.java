package dev.faas.actors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.pekko.Done;

/**
 * The few helpers every caller of an asynchronous port needs, in one copy: a port's call as a
 * stage whatever it does, the failure inside a stage's wrapper, a stage safe to pipe to an actor.
 */
public final class Stages {
  private Stages() {}

  /**
   * A port's call as a stage: a synchronous throw becomes a failed stage, and so does a port
   * that answers null instead of a stage.
   */
  public static <T> CompletionStage<T> attempt(Supplier<? extends CompletionStage<T>> call) {
    try {
      CompletionStage<T> stage = call.get();
      return stage != null
          ? stage
          : CompletableFuture.failedFuture(new NullPointerException("the port answered no stage"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The failure a stage's {@link CompletionException} (or a future's execution) wraps. */
  public static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * The stage's end as {@link Done}: a stage piped to an actor that has stopped meanwhile becomes
   * a dead letter, and Pekko's dead-letter logging fails on a null value (a {@code Void} stage's).
   */
  public static CompletionStage<Done> notNull(CompletionStage<?> stage) {
    return stage.thenApply(v -> Done.getInstance());
  }
}
