package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link KeyStore} in a map, keyed by id, with compare-and-set touches; its watch hands every
 * change on keyed by id, as the bucket's does.
 */
final class InMemoryKeyStore implements KeyStore {
  private final ConcurrentHashMap<String, Versioned<ApiKey>> byId = new ConcurrentHashMap<>();
  private final AtomicLong revisions = new AtomicLong();
  private final List<ChangeListener<ApiKey>> watchers = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Versioned<ApiKey>> create(ApiKey key) {
    Versioned<ApiKey> entry = new Versioned<>(key, revisions.incrementAndGet());
    if (byId.putIfAbsent(key.id(), entry) != null) {
      return CompletableFuture.failedFuture(new StoreException.AlreadyExists(key.id()));
    }
    watchers.forEach(w -> w.put(key.id(), entry));
    return CompletableFuture.completedFuture(entry);
  }

  @Override
  public CompletionStage<Optional<Versioned<ApiKey>>> find(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public CompletionStage<List<Versioned<ApiKey>>> list(String owner) {
    return CompletableFuture.completedFuture(
        byId.values().stream().filter(k -> k.value().owner().equals(owner)).toList());
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String id) {
    Versioned<ApiKey> entry = byId.get(id);
    boolean deleted = entry != null && entry.value().owner().equals(owner) && byId.remove(id, entry);
    if (deleted) {
      removed(id);
    }
    return CompletableFuture.completedFuture(deleted);
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    byId.forEach(
        (id, k) -> {
          if (k.value().owner().equals(owner) && byId.remove(id, k)) {
            removed(id);
          }
        });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Versioned<ApiKey>> touch(Versioned<ApiKey> key, Instant at) {
    Versioned<ApiKey> used = new Versioned<>(key.value().usedAt(at), revisions.incrementAndGet());
    if (!byId.replace(key.value().id(), key, used)) {
      return CompletableFuture.failedFuture(
          new StoreException.RevisionConflict(key.value().id(), key.revision()));
    }
    watchers.forEach(w -> w.put(key.value().id(), used));
    return CompletableFuture.completedFuture(used);
  }

  @Override
  public AutoCloseable watch(ChangeListener<ApiKey> listener) {
    byId.forEach(listener::put);
    listener.caughtUp();
    watchers.add(listener);
    return () -> watchers.remove(listener);
  }

  private void removed(String id) {
    long revision = revisions.incrementAndGet();
    watchers.forEach(w -> w.removed(id, revision));
  }
}
