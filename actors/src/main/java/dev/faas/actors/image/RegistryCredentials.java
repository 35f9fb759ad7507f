package dev.faas.actors.image;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users' registry credentials, one per user and registry host, write-only through the API and
 * encrypted wherever they are stored. The API writes and lists them; resolving and pulling read
 * them ({@link #login}).
 */
public interface RegistryCredentials {

  /** Stores (or replaces) {@code owner}'s credentials for {@code login.host()}. */
  CompletionStage<Void> put(String owner, RegistryLogin login);

  /** {@code owner}'s stored hosts, sorted by host; never a password. */
  CompletionStage<List<RegistryEntry>> list(String owner);

  /** Removes {@code owner}'s credentials for {@code host}; false when there were none. */
  CompletionStage<Boolean> delete(String owner, String host);

  /** Removes every credential of {@code owner} (when the user is deleted). */
  CompletionStage<Void> deleteAll(String owner);

  /** {@code owner}'s credentials for {@code host}, decrypted, when there are some. */
  CompletionStage<Optional<RegistryLogin>> login(String owner, String host);
}
