package dev.faas.actors.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users' registry credentials as stored, one entry per owner and registry host, the password
 * sealed ({@link SealedLogin}): what {@code dev.faas.actors.image.RegistryCredentials} is built
 * on. Last write wins: credentials are replaced whole, never merged, so there is nothing to
 * compare-and-set. Implementations never block the caller's thread, and throw {@link
 * IllegalArgumentException} at once for an owner or host the API grammar does not allow.
 */
public interface RegistryCredentialStore {

  /** Stores {@code login}, replacing whatever {@code login.owner()} had for its host. */
  CompletionStage<Void> put(SealedLogin login);

  /** {@code owner}'s entry for {@code host}, or empty. */
  CompletionStage<Optional<SealedLogin>> get(String owner, String host);

  /** {@code owner}'s entries, in no particular order. */
  CompletionStage<List<SealedLogin>> list(String owner);

  /** Removes {@code owner}'s entry for {@code host}; completes with false when there was none. */
  CompletionStage<Boolean> delete(String owner, String host);

  /** Removes every entry of {@code owner}; completes normally when there were none. */
  CompletionStage<Void> deleteAll(String owner);
}
