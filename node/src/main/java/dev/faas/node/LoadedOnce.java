package dev.faas.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A value loaded from NATS at its first use (a key from the config bucket), and loaded again at
 * the next use after a load that failed (NATS was away): a success is kept for good.
 */
final class LoadedOnce<T> {
  private final Supplier<? extends CompletionStage<T>> loader;
  private final AtomicReference<CompletableFuture<T>> current = new AtomicReference<>();

  LoadedOnce(Supplier<? extends CompletionStage<T>> loader) {
    this.loader = loader;
  }

  /** The value, loading it when it is not loaded yet or the last load failed. */
  CompletionStage<T> get() {
    while (true) {
      CompletableFuture<T> loaded = current.get();
      if (loaded != null && !loaded.isCompletedExceptionally()) {
        return loaded;
      }
      CompletableFuture<T> mine = new CompletableFuture<>();
      if (current.compareAndSet(loaded, mine)) {
        try {
          loader.get().whenComplete((value, failure) -> {
            if (failure != null) {
              mine.completeExceptionally(failure);
            } else {
              mine.complete(value);
            }
          });
        } catch (RuntimeException e) {
          mine.completeExceptionally(e);
        }
        return mine;
      }
    }
  }
}
