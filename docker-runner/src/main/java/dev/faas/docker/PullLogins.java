package dev.faas.docker;

import dev.faas.actors.image.RegistryLogin;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whose registry credentials a pull of an image uses: the node answers from the functions that
 * run that image and their owners' stored credentials for its registry host.
 */
@FunctionalInterface
public interface PullLogins {
  /** Anonymous pulls only. */
  PullLogins ANONYMOUS = image -> CompletableFuture.completedFuture(Optional.empty());

  /** The credentials to pull {@code image} with, or empty to pull it anonymously. */
  CompletionStage<Optional<RegistryLogin>> forImage(String image);
}
