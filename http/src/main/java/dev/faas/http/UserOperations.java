package dev.faas.http;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.UserStore;
import dev.faas.actors.tenancy.OwnerData;
import dev.faas.actors.store.WatchedCache;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registering users, issuing their tokens, and removing a user with everything they own. */
final class UserOperations {
  private static final Logger log = LoggerFactory.getLogger(UserOperations.class);
  // A sweep that fails is tried again this often, this long apart: enough for a NATS blip or a
  // leader change, short enough for the client waiting for the answer.
  static final int SWEEP_ATTEMPTS = 3;
  private static final Duration SWEEP_PAUSE = Duration.ofMillis(500);
  private final UserStore userStore;
  private final WatchedCache<User> users;
  private final OwnerData ownerData;
  private final Lookups lookups;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final Clock clock;
  private final UserLimits limits;
  private final CallbackSecretStore callbackSecrets;

  UserOperations(
      UserStore userStore,
      FunctionStore functionStore,
      ActivationStore activations,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      RegistryCredentials registries,
      Lookups lookups,
      PasswordHasher hasher,
      TokenService tokens,
      Clock clock,
      KeyStore keys,
      CallbackSecretStore callbackSecrets,
      UserLimits limits) {
    this.userStore = userStore;
    this.users = users;
    this.ownerData =
        new OwnerData(functionStore, activations, registries, keys, functions, callbackSecrets);
    this.callbackSecrets = callbackSecrets;
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

  /** The caller's callback signing secret, made on first use (docs/decisions/0026). */
  CompletionStage<ApiResult> callbackSecret(AuthenticatedUser caller) {
    return callbackSecrets
        .get(caller.userId())
        .thenApply(s -> new ApiResult.Ok(Views.CallbackSecretView.of(s), null));
  }

  /** A new callback signing secret for the caller; the old one signs alongside for a day. */
  CompletionStage<ApiResult> rotateCallbackSecret(AuthenticatedUser caller) {
    return callbackSecrets
        .rotate(caller.userId())
        .thenApply(s -> new ApiResult.Ok(Views.CallbackSecretView.of(s), null));
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
   * Deletes the caller, then everything keyed by the caller's user id. The user record goes first:
   * from then on no token of the user is accepted (on any node: the authenticator reads the store
   * on a cache miss, and the watch removes the user from every cache), and a write racing with this
   * delete either lands before the sweep below reads, or sees the user gone and takes itself back
   * ({@link FunctionOperations}, {@link RegistryOperations}). The sweep is idempotent and keyed by
   * an id nobody gets again, so the name is free at once and a new user of that name sees none of
   * it. The sweep is tried again after a short pause when it fails (NATS briefly away), up to
   * {@value #SWEEP_ATTEMPTS} times; one that still fails is answered 503 and logged with the id;
   * what it left cannot be reached by anybody, and the orphan janitor of an API node removes it
   * within two of its intervals (docs/decisions/0019).
   */
  CompletionStage<ApiResult> delete(AuthenticatedUser caller) {
    String username = caller.username();
    String owner = caller.userId();
    return userStore
        .delete(username)
        .thenCompose(
            done -> {
              users.removedLocally(username);
              return sweep(owner, SWEEP_ATTEMPTS);
            })
        .handle(
            (done, error) -> {
              if (error != null) {
                log.error(
                    "User [{}] deleted, but the data of user id [{}] was not all removed: [{}]",
                    username,
                    owner,
                    Stages.unwrap(error).toString());
                throw FunctionOperations.rethrow(error);
              }
              return new ApiResult.Deleted();
            });
  }

  /**
   * Removes every piece of data keyed by user id {@code owner} ({@link OwnerData#deleteAll}),
   * trying again after a pause when that fails. What is still left after the last attempt the
   * orphan janitor removes later (docs/decisions/0019).
   */
  private CompletionStage<Void> sweep(String owner, int attemptsLeft) {
    return ownerData
        .deleteAll(owner)
        .handle(
            (done, error) -> {
              if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              if (attemptsLeft <= 1) {
                return CompletableFuture.<Void>failedFuture(error);
              }
              log.warn(
                  "Sweep of user id [{}] failed, trying again: [{}]",
                  owner,
                  Stages.unwrap(error).toString());
              Executor later =
                  CompletableFuture.delayedExecutor(
                      SWEEP_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
              return CompletableFuture.supplyAsync(() -> null, later)
                  .thenCompose(ignored -> sweep(owner, attemptsLeft - 1));
            })
        .thenCompose(next -> next);
  }

  private static ApiResult taken(String username) {
    return new ApiResult.Taken("the username '" + username + "' is taken");
  }
}
