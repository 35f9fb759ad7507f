package dev.faas.http;

import dev.faas.actors.Stages;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.UserStore;
import dev.faas.actors.store.WatchedCache;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Registering users, issuing their tokens, and removing a user with everything they own. */
final class UserOperations {
  private final UserStore userStore;
  private final FunctionStore functionStore;
  private final WatchedCache<User> users;
  private final WatchedCache<FunctionSpec> functions;
  private final RegistryCredentials registries;
  private final Lookups lookups;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final Clock clock;
  private final UserLimits limits;

  UserOperations(
      UserStore userStore,
      FunctionStore functionStore,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      RegistryCredentials registries,
      Lookups lookups,
      PasswordHasher hasher,
      TokenService tokens,
      Clock clock,
      UserLimits limits) {
    this.userStore = userStore;
    this.functionStore = functionStore;
    this.users = users;
    this.functions = functions;
    this.registries = registries;
    this.lookups = lookups;
    this.hasher = hasher;
    this.tokens = tokens;
    this.clock = clock;
    this.limits = limits;
  }

  CompletionStage<ApiResult> register(Credentials credentials) {
    String username = credentials.username();
    // A cheap early answer for a taken name saves a hash; the store's create-if-absent decides.
    if (users.get(username).isPresent()) {
      return CompletableFuture.completedFuture(taken(username));
    }
    return hasher
        .hash(credentials.password())
        .thenCompose(
            hash ->
                userStore.create(
                    new User(
                        username,
                        hash,
                        UUID.randomUUID().toString(),
                        clock.instant().truncatedTo(ChronoUnit.MILLIS))))
        .handle(
            (created, error) -> {
              if (error != null) {
                if (Stages.unwrap(error) instanceof StoreException.AlreadyExists) {
                  return taken(username);
                }
                throw FunctionOperations.rethrow(error);
              }
              users.put(username, created);
              return new ApiResult.Created(Views.UserView.of(created.value()), "/v1/users/me", null);
            });
  }

  /** A token for correct credentials; the same answer for an unknown user and a wrong password. */
  CompletionStage<ApiResult> login(Credentials credentials) {
    return lookups
        .user(credentials.username())
        .thenCompose(
            found -> {
              Optional<User> user = found.map(Versioned::value);
              return hasher
                  .verify(credentials.password(), user.map(User::passwordHash))
                  .thenApply(
                      matches ->
                          matches
                              ? new ApiResult.Ok(Views.TokenView.of(tokens.issue(user.get())), null)
                              : new ApiResult.BadCredentials());
            });
  }

  CompletionStage<ApiResult> me(AuthenticatedUser caller) {
    return lookups
        .user(caller.username())
        .thenCompose(
            found ->
                found
                    .map(
                        user ->
                            limits
                                .view(user.value())
                                .<ApiResult>thenApply(view -> new ApiResult.Ok(view, null)))
                    .orElseGet(
                        () ->
                            CompletableFuture.completedFuture(
                                new ApiResult.Missing("the user no longer exists"))));
  }

  /**
   * Deletes the caller's functions and registry credentials, then the caller. The functions are
   * listed from the store, not the cache, so none is left behind for lack of a watch event; the
   * user goes last so a failure half way can be retried with the same token.
   */
  CompletionStage<ApiResult> delete(AuthenticatedUser caller) {
    String username = caller.username();
    return functionStore
        .list(username)
        .thenCompose(owned -> deleteAll(username, owned))
        .thenCompose(done -> registries.deleteAll(username))
        .thenCompose(done -> userStore.delete(username))
        .thenApply(
            done -> {
              users.removedLocally(username);
              return new ApiResult.Deleted();
            });
  }

  private CompletionStage<Void> deleteAll(String owner, List<Versioned<FunctionSpec>> owned) {
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

  private static ApiResult taken(String username) {
    return new ApiResult.Taken("the username '" + username + "' is taken");
  }
}
