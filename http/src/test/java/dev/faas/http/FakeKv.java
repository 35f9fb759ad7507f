package dev.faas.http;

import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * An in-memory key-value bucket with the semantics the stores rely on in NATS KV: one revision
 * sequence per bucket (deletes take a revision too), create-if-absent, compare-and-set updates,
 * watches that replay then follow. Results complete on another thread, as a real store's do, and
 * every call fails with {@link StoreException.Unavailable} while {@link #unavailable} is set.
 */
final class FakeKv<T> {
  private final TreeMap<String, Versioned<T>> entries = new TreeMap<>();
  private final List<ChangeListener<T>> listeners = new CopyOnWriteArrayList<>();
  private long revision;
  volatile boolean unavailable;

  synchronized Versioned<T> create(String key, T value) {
    if (entries.containsKey(key)) {
      throw new StoreException.AlreadyExists(key);
    }
    return write(key, value);
  }

  synchronized Versioned<T> update(String key, T value, long expected) {
    Versioned<T> current = entries.get(key);
    if (current == null || current.revision() != expected) {
      throw new StoreException.RevisionConflict(key, expected);
    }
    return write(key, value);
  }

  /** An unconditional write, as another node's would be. */
  synchronized Versioned<T> put(String key, T value) {
    return write(key, value);
  }

  synchronized Optional<Versioned<T>> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized boolean delete(String key) {
    if (entries.remove(key) == null) {
      return false;
    }
    long at = ++revision;
    listeners.forEach(l -> l.removed(key, at));
    return true;
  }

  synchronized List<Versioned<T>> withPrefix(String prefix) {
    return entries.tailMap(prefix).entrySet().stream()
        .takeWhile(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  synchronized AutoCloseable watch(ChangeListener<T> listener) {
    entries.forEach(listener::put);
    listener.caughtUp();
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Runs {@code operation} as the store would: asynchronously, failing when unavailable. */
  <R> CompletionStage<R> async(Supplier<R> operation) {
    return CompletableFuture.supplyAsync(
        () -> {
          if (unavailable) {
            throw new StoreException.Unavailable("fake store is down", null);
          }
          return operation.get();
        });
  }

  private Versioned<T> write(String key, T value) {
    Versioned<T> entry = new Versioned<>(value, ++revision);
    entries.put(key, entry);
    listeners.forEach(l -> l.put(key, entry));
    return entry;
  }
}
