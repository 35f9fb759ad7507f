package dev.faas.actors.tenancy;

import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.WatchedCache;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Everything stored under one user id, removed as a whole: what {@code DELETE /v1/users/me}
 * sweeps after removing the user, and what the {@link OrphanJanitor} sweeps when that sweep did
 * not finish. One more kind of a user's data is one more step here.
 */
public final class OwnerData {
  private final FunctionStore functionStore;
  private final ActivationStore activations;
  private final RegistryCredentials registries;
  private final KeyStore keys;
  private final WatchedCache<FunctionSpec> functions;
  private final CallbackSecretStore callbackSecrets;

  /**
   * @param functions this node's cache of the functions, told of each function removed here so
   *     it does not serve it until the watch says so
   */
  public OwnerData(
      FunctionStore functionStore,
      ActivationStore activations,
      RegistryCredentials registries,
      KeyStore keys,
      WatchedCache<FunctionSpec> functions,
      CallbackSecretStore callbackSecrets) {
    this.functionStore = functionStore;
    this.activations = activations;
    this.registries = registries;
    this.keys = keys;
    this.functions = functions;
    this.callbackSecrets = callbackSecrets;
  }

  /**
   * Removes every activation record (and its summaries), registry credential, API key, callback
   * secret and function of user id {@code owner}, one kind after the other. Each step completes normally
   * when there is nothing (left) to remove, so it can be run again after a failure, and by two
   * nodes at once.
   */
  public CompletionStage<Void> deleteAll(String owner) {
    return activations
        .deleteAll(owner)
        .thenCompose(done -> registries.deleteAll(owner))
        .thenCompose(done -> keys.deleteAll(owner))
        .thenCompose(done -> callbackSecrets.delete(owner))
        // Functions last: the store is listed, not the cache, so none is left for lack of a watch
        // event.
        .thenCompose(done -> functionStore.list(owner))
        .thenCompose(owned -> deleteFunctions(owner, owned));
  }

  private CompletionStage<Void> deleteFunctions(String owner, List<Versioned<FunctionSpec>> owned) {
    CompletableFuture<?>[] deletes =
        owned.stream()
            .map(
                entry ->
                    functionStore
                        .delete(owner, entry.value().name())
                        .thenRun(() -> functions.removedLocally(entry.value().key()))
                        .toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(deletes);
  }
}
