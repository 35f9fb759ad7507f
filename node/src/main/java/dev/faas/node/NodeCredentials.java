package dev.faas.node;

import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.image.RegistryEntry;
import dev.faas.actors.image.RegistryLogin;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The node's users' registry credentials, usable from the node's first second: each call waits
 * for the platform's registry key to be read from NATS (once; again after a failed read), so the
 * API and the worker never hold a half-made credentials store.
 */
final class NodeCredentials implements RegistryCredentials {
  private final LoadedOnce<? extends RegistryCredentials> loaded;

  NodeCredentials(LoadedOnce<? extends RegistryCredentials> loaded) {
    this.loaded = loaded;
  }

  @Override
  public CompletionStage<Void> put(String owner, RegistryLogin login) {
    return loaded.get().thenCompose(c -> c.put(owner, login));
  }

  @Override
  public CompletionStage<List<RegistryEntry>> list(String owner) {
    return loaded.get().thenCompose(c -> c.list(owner));
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String host) {
    return loaded.get().thenCompose(c -> c.delete(owner, host));
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    return loaded.get().thenCompose(c -> c.deleteAll(owner));
  }

  @Override
  public CompletionStage<Optional<RegistryLogin>> login(String owner, String host) {
    return loaded.get().thenCompose(c -> c.login(owner, host));
  }
}
