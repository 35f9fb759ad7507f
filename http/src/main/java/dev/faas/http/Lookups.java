package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.UserStore;
import dev.faas.actors.store.WatchedCache;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads users and functions from the node's watched caches. A miss is read through from the store
 * once: an entry written a moment ago on another node may not have reached this node's watch yet
 * (or the cache is still catching up after a start), and answering 404 or 401 for it would be
 * wrong. What the store returns goes through the cache, whose revision order keeps a newer delete
 * from being undone by an older read.
 */
final class Lookups {
  /** Store reads of keys the cache does not know, in flight at once. */
  static final int MAX_KEY_READS = 8;

  private final UserStore userStore;
  private final FunctionStore functionStore;
  private final WatchedCache<User> users;
  private final WatchedCache<FunctionSpec> functions;
  private final KeyStore keyStore;
  private final WatchedCache<ApiKey> keys;
  private final AtomicInteger keyReads = new AtomicInteger();

  Lookups(
      UserStore userStore,
      FunctionStore functionStore,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      KeyStore keyStore,
      WatchedCache<ApiKey> keys) {
    this.userStore = userStore;
    this.functionStore = functionStore;
    this.users = users;
    this.functions = functions;
    this.keyStore = keyStore;
    this.keys = keys;
  }

  /** Lookups over the stores and caches the API is built with. */
  static Lookups of(HttpApi.Dependencies deps) {
    return new Lookups(
        deps.userStore(),
        deps.functionStore(),
        deps.users(),
        deps.functions(),
        deps.keyStore(),
        deps.keys());
  }

  /**
   * The API key with {@code id}, keyed by id in the cache. A key revoked on any node leaves the
   * cache when the watch says so, as a tombstone: it is refused from then on without asking the
   * store. An id the cache has never seen (a key made a moment ago on another node) is read
   * through from the store, at most {@link #MAX_KEY_READS} at once, so a flood of made-up keys
   * costs the store a bounded number of reads; past that they are refused without one.
   */
  CompletionStage<Optional<Versioned<ApiKey>>> key(String id) {
    Optional<Versioned<ApiKey>> cached = keys.get(id);
    if (cached.isPresent() || keys.isRemoved(id)) {
      return CompletableFuture.completedFuture(cached);
    }
    if (keyReads.incrementAndGet() > MAX_KEY_READS) {
      keyReads.decrementAndGet();
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return keyStore
        .find(id)
        .whenComplete((found, error) -> keyReads.decrementAndGet())
        .thenApply(
            stored -> {
              stored.ifPresent(entry -> keys.put(id, entry));
              return stored.isPresent() ? keys.get(id) : stored;
            });
  }

  CompletionStage<Optional<Versioned<User>>> user(String username) {
    Optional<Versioned<User>> cached = users.get(username);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached);
    }
    return userStore
        .get(username)
        .thenApply(
            stored -> {
              stored.ifPresent(entry -> users.put(username, entry));
              return stored.isPresent() ? users.get(username) : stored;
            });
  }

  /**
   * Whether {@code caller}'s user still exists with the id the caller was authenticated with,
   * read from the store, never the cache: a cache may still hold a user another node has just
   * deleted. What a write that must not outlive its owner checks once it is written.
   */
  CompletionStage<Boolean> isRegistered(AuthenticatedUser caller) {
    return userStore
        .get(caller.username())
        .thenApply(
            stored -> stored.isPresent() && stored.get().value().userId().equals(caller.userId()));
  }

  CompletionStage<Optional<Versioned<FunctionSpec>>> function(String owner, String name) {
    String key = functionKey(owner, name);
    Optional<Versioned<FunctionSpec>> cached = functions.get(key);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached);
    }
    return functionStore
        .get(owner, name)
        .thenApply(
            stored -> {
              stored.ifPresent(entry -> functions.put(key, entry));
              return stored.isPresent() ? functions.get(key) : stored;
            });
  }

  /** The owner's (a user id's) functions from the cache, sorted by name. */
  List<Versioned<FunctionSpec>> functionsOf(String owner) {
    // Names cannot contain '.', so the prefix "<owner>." selects exactly this owner's keys.
    return functions.withKeyPrefix(owner + ".").stream()
        .filter(entry -> entry.value().owner().equals(owner))
        .sorted(Comparator.comparing(entry -> entry.value().name()))
        .toList();
  }

  static String functionKey(String owner, String name) {
    return new FunctionId(owner, name).key();
  }
}
