package dev.faas.registry;

import dev.faas.actors.store.RegistryCredentialStore;
import dev.faas.actors.store.SealedLogin;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The store port in memory, keyed by owner and host as the real one: what a test can inspect. */
final class InMemoryCredentialStore implements RegistryCredentialStore {
  final Map<String, SealedLogin> entries = new ConcurrentHashMap<>();

  static String key(String owner, String host) {
    return owner + "/" + host;
  }

  @Override
  public CompletionStage<Void> put(SealedLogin login) {
    entries.put(key(login.owner(), login.host()), login);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<SealedLogin>> get(String owner, String host) {
    return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(key(owner, host))));
  }

  @Override
  public CompletionStage<List<SealedLogin>> list(String owner) {
    return CompletableFuture.completedFuture(
        entries.values().stream().filter(e -> e.owner().equals(owner)).toList());
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String host) {
    return CompletableFuture.completedFuture(entries.remove(key(owner, host)) != null);
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    entries.values().removeIf(e -> e.owner().equals(owner));
    return CompletableFuture.completedFuture(null);
  }
}
