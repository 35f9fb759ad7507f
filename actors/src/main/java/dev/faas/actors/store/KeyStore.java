package dev.faas.actors.store;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users' API keys, one entry per owner and key id, holding the secret's hash only.
 * Implementations never block the caller's thread, and throw {@link IllegalArgumentException} at
 * once for an owner or id the grammar does not allow.
 */
public interface KeyStore {

  /** Stores a new key; fails with {@link StoreException.AlreadyExists} when the id is taken. */
  CompletionStage<Versioned<ApiKey>> create(ApiKey key);

  /** The key with {@code id}, whoever owns it, or empty. */
  CompletionStage<Optional<Versioned<ApiKey>>> find(String id);

  /** {@code owner}'s keys, in no particular order. */
  CompletionStage<List<Versioned<ApiKey>>> list(String owner);

  /** Removes {@code owner}'s key {@code id}; completes with false when there was none. */
  CompletionStage<Boolean> delete(String owner, String id);

  /** Removes every key of {@code owner}; completes normally when there were none. */
  CompletionStage<Void> deleteAll(String owner);

  /**
   * Records that {@code key} was used at {@code at}, only if it is still the current revision: a
   * key revoked (or changed) meanwhile is never written back. Fails with {@link
   * StoreException.RevisionConflict} then.
   */
  CompletionStage<Versioned<ApiKey>> touch(Versioned<ApiKey> key, Instant at);

  /**
   * Follows every change, keyed by key id (not by the store key): first the current entries,
   * then {@link ChangeListener#caughtUp()}, then each change as it happens. Close to stop.
   */
  AutoCloseable watch(ChangeListener<ApiKey> listener);
}
