package dev.faas.actors;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.slf4j.Logger;

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
   * {@code stage} with its failure logged as a warning, then forgotten: the stage returned
   * completes normally either way. {@code format} has one placeholder more than {@code args}, for
   * the failure ({@code log.warn(format, args..., failure)}).
   */
  public static CompletionStage<Void> logged(
      CompletionStage<?> stage, Logger log, String format, Object... args) {
    return stage.handle(
        (ok, failure) -> {
          if (failure != null) {
            Object[] all = Arrays.copyOf(args, args.length + 1);
            all[args.length] = unwrap(failure).toString();
            log.warn(format, all);
          }
          return null;
        });
  }

  /**
   * The stage's end as {@link Done}: a stage piped to an actor that has stopped meanwhile becomes
   * a dead letter, and Pekko's dead-letter logging fails on a null value (a {@code Void} stage's).
   */
  public static CompletionStage<Done> notNull(CompletionStage<?> stage) {
    return stage.thenApply(v -> Done.getInstance());
  }
}
