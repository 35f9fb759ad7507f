package dev.faas.http;

import dev.faas.actors.store.ConfigStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A {@link ConfigStore} whose create-if-absent is a {@code putIfAbsent}: the first value wins. */
final class InMemoryConfigStore implements ConfigStore {
  private final ConcurrentHashMap<String, byte[]> values = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<byte[]> getOrCreate(String key, Supplier<byte[]> initial) {
    return CompletableFuture.supplyAsync(
        () -> {
          byte[] existing = values.get(key);
          if (existing != null) {
            return existing.clone();
          }
          byte[] fresh = initial.get().clone();
          byte[] winner = values.putIfAbsent(key, fresh);
          return (winner == null ? fresh : winner).clone();
        });
  }
}
