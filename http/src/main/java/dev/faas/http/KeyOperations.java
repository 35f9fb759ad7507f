package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.WatchedCache;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.concurrent.CompletionStage;

/**
 * Creating, listing and revoking one user's API keys. The key string exists only in the answer to
 * its creation; the store and every later answer hold its hash and metadata only.
 */
final class KeyOperations {
  private final KeyStore store;
  private final WatchedCache<ApiKey> keys;
  private final Clock clock;

  KeyOperations(KeyStore store, WatchedCache<ApiKey> keys, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
  }

  CompletionStage<ApiResult> create(AuthenticatedUser caller, KeyRequest request) {
    KeySecrets.Fresh fresh = KeySecrets.generate();
    ApiKey key =
        new ApiKey(
            fresh.id(),
            caller.userId(),
            caller.username(),
            request.name(),
            request.scope(),
            request.functions(),
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            request.expiresAt(),
            fresh.secretHash(),
            null);
    return store
        .create(key)
        .thenApply(
            created -> {
              keys.put(key.id(), created);
              return new ApiResult.Created(
                  KeyViews.Created.of(key, fresh.key()), "/v1/keys/" + key.id(), null);
            });
  }

  CompletionStage<ApiResult> list(AuthenticatedUser caller) {
    return store
        .list(caller.userId())
        .thenApply(
            found ->
                new ApiResult.Ok(
                    new KeyViews.KeyList(
                        found.stream()
                            .map(Versioned::value)
                            .sorted(Comparator.comparing(ApiKey::createdAt))
                            .map(KeyViews.Listed::of)
                            .toList()),
                    null));
  }

  CompletionStage<ApiResult> delete(AuthenticatedUser caller, String id) {
    if (!ApiKey.isId(id)) {
      return java.util.concurrent.CompletableFuture.completedFuture(missing(id));
    }
    return store
        .delete(caller.userId(), id)
        .thenApply(
            existed -> {
              if (!existed) {
                return missing(id);
              }
              keys.removedLocally(id);
              return new ApiResult.Deleted();
            });
  }

  private static ApiResult missing(String id) {
    return new ApiResult.Missing("no API key with id " + id);
  }
}
