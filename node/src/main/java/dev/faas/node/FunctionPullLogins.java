package dev.faas.node;

import dev.faas.actors.Stages;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageNames;
import dev.faas.actors.store.WatchedCache;
import dev.faas.docker.PullLogins;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pull uses the registry credentials of an owner of a function that runs the image: each of
 * them resolved that exact digest with their own credentials when they registered it, so any of
 * them can read it. Owners are tried in name order until one has credentials for the image's
 * registry host; none: the pull is anonymous.
 */
final class FunctionPullLogins implements PullLogins {
  private static final Logger log = LoggerFactory.getLogger(FunctionPullLogins.class);

  private final WatchedCache<FunctionSpec> functions;
  private final RegistryCredentials credentials;

  FunctionPullLogins(WatchedCache<FunctionSpec> functions, RegistryCredentials credentials) {
    this.functions = functions;
    this.credentials = credentials;
  }

  @Override
  public CompletionStage<Optional<RegistryLogin>> forImage(String image) {
    List<String> owners =
        functions.matching(f -> f.runImage().equals(image)).stream()
            .map(f -> f.value().owner())
            .distinct()
            .sorted()
            .toList();
    return firstLogin(owners.iterator(), ImageNames.host(image));
  }

  private CompletionStage<Optional<RegistryLogin>> firstLogin(
      Iterator<String> owners, String host) {
    if (!owners.hasNext()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String owner = owners.next();
    return credentials
        .login(owner, host)
        .handle(
            (login, error) -> {
              if (error != null) {
                // A seal that no longer opens, or the store away: the next owner, or anonymous.
                log.warn("Credentials of [{}] for registry [{}] not usable for a pull: [{}]",
                    owner, host, Stages.unwrap(error).getMessage());
                return Optional.<RegistryLogin>empty();
              }
              return login;
            })
        .thenCompose(login -> login.isPresent() ? done(login) : firstLogin(owners, host));
  }

  private static CompletionStage<Optional<RegistryLogin>> done(Optional<RegistryLogin> login) {
    return CompletableFuture.completedFuture(login);
  }
}
