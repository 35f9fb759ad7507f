package dev.faas.http;

import dev.faas.actors.Stages;
import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.image.ImageResolution;
import dev.faas.actors.image.ImageResolution.Pinned;
import dev.faas.actors.image.ImageResolution.Refused;
import dev.faas.actors.image.ImageResolver;
import dev.faas.actors.image.ImageStatuses;
import dev.faas.actors.model.ImageState;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.WatchedCache;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registering, reading, updating and deleting one user's functions. Reads come from the watched
 * cache; writes go to the store with compare-and-set and, once they succeed, into the cache too so
 * this node reads its own writes at once. Another user's function is never found: every key is
 * built from the caller's own user id (the {@code owner} of every method), never from a name.
 *
 * <p>A create re-reads the caller's user record from the store once the function is written and
 * takes the function back when the user is gone: deleting a user removes the user record first
 * and sweeps the functions after, so a function written concurrently is either seen by the sweep
 * or sees the user gone ({@link UserOperations#delete}). An update needs no such check: it is
 * compare-and-set on an entry that exists, and the sweep deletes whatever entry it finds.
 */
final class FunctionOperations {
  private static final Logger log = LoggerFactory.getLogger(FunctionOperations.class);
  private final FunctionStore store;
  private final ImageResolver images;
  private final WatchedCache<ImagePullReport> pulls;
  private final WatchedCache<FunctionSpec> cache;
  private final Lookups lookups;
  private final Etags etags;
  private final Clock clock;
  private final int updateAttempts;
  private final int maxConcurrentPerUser;
  private final int maxFunctionsPerUser;

  FunctionOperations(
      FunctionStore store,
      ImageResolver images,
      WatchedCache<ImagePullReport> pulls,
      WatchedCache<FunctionSpec> cache,
      Lookups lookups,
      Etags etags,
      Clock clock,
      int updateAttempts,
      int maxConcurrentPerUser,
      int maxFunctionsPerUser) {
    this.store = store;
    this.images = images;
    this.pulls = pulls;
    this.cache = cache;
    this.lookups = lookups;
    this.etags = etags;
    this.clock = clock;
    this.updateAttempts = updateAttempts;
    this.maxConcurrentPerUser = maxConcurrentPerUser;
    this.maxFunctionsPerUser = maxFunctionsPerUser;
  }

  /** The most a function's {@code maxConcurrency} may be. */
  int maxConcurrentPerUser() {
    return maxConcurrentPerUser;
  }

  /**
   * Registers the function of {@code caller} once its image resolves for them (pinned to its
   * digest, or local under local-first); an image the owner cannot have is 400 and nothing is
   * stored. When the caller was deleted while the function was written, the function is taken
   * back and the answer is 404, as for any request of a deleted user.
   */
  CompletionStage<ApiResult> create(AuthenticatedUser caller, FunctionRequest request) {
    String owner = caller.userId();
    // Counted on this node's cache: concurrent creates on several nodes may pass it together by
    // a few (docs/decisions/0015); a create never waits for a count across the cluster.
    if (lookups.functionsOf(owner).size() >= maxFunctionsPerUser) {
      return done(
          new ApiResult.FunctionsLimit(
              "you have " + maxFunctionsPerUser + " functions, as many as you may have; delete"
                  + " one first"));
    }
    return resolve(owner, request)
        .thenCompose(
            resolved ->
                resolved instanceof Refused refused
                    ? done(imageRefused(refused))
                    : store(caller, request, stateOf(resolved)));
  }

  private CompletionStage<ApiResult> store(
      AuthenticatedUser caller, FunctionRequest request, ImageState image) {
    Instant now = now();
    return store
        .create(request.toSpec(caller.userId(), now, now).withImageState(image))
        .handle(
            (created, error) -> {
              if (error != null) {
                if (Stages.unwrap(error) instanceof StoreException.AlreadyExists) {
                  return done(
                      new ApiResult.Taken(
                          "you already have a function named '" + request.name() + "'"));
                }
                throw rethrow(error);
              }
              return keepIfOwnerRemains(caller, created);
            })
        .thenCompose(outcome -> outcome);
  }

  private CompletionStage<ApiResult> keepIfOwnerRemains(
      AuthenticatedUser caller, Versioned<FunctionSpec> created) {
    FunctionSpec spec = created.value();
    return lookups
        .isRegistered(caller)
        .thenCompose(
            registered -> {
              if (registered) {
                cache.put(spec.key(), created);
                return done(
                    new ApiResult.Created(
                        view(created), location(spec.name()), revisionOf(created)));
              }
              log.info(
                  "Function [{}] taken back: its owner was deleted while it was created",
                  spec.key());
              return store
                  .delete(spec.owner(), spec.name())
                  .thenApply(
                      existed -> {
                        cache.removedLocally(spec.key());
                        return new ApiResult.Missing("the user no longer exists");
                      });
            });
  }

  ApiResult list(String owner) {
    return new ApiResult.Ok(
        new Views.FunctionList(
            lookups.functionsOf(owner).stream().map(this::view).toList()),
        null);
  }

  CompletionStage<ApiResult> get(String owner, String name) {
    return lookups
        .function(owner, name)
        .thenApply(
            found ->
                found
                    .<ApiResult>map(f -> new ApiResult.Ok(view(f), revisionOf(f)))
                    .orElseGet(() -> missing(name)));
  }

  /**
   * Replaces the function, its image resolved again (a tag pushed since is picked up here, and
   * only here). With {@code If-Match} naming revisions, the current entry must show one of them,
   * and one compare-and-set against that entry: losing it is 412. Without a precondition (or with {@code *}), compare-and-set
   * against the current revision, read again and retried a few times when a concurrent write wins.
   * A function that does not exist is 404 before its image is asked for.
   */
  CompletionStage<ApiResult> update(
      String owner, String name, FunctionRequest request, Optional<IfMatch> ifMatch) {
    return lookups
        .function(owner, name)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                return done(missing(name));
              }
              return resolve(owner, request)
                  .thenCompose(
                      resolved -> {
                        if (resolved instanceof Refused refused) {
                          return done(imageRefused(refused));
                        }
                        ImageState image = stateOf(resolved);
                        return ifMatch.isPresent() && !ifMatch.get().any()
                            ? updateIfMatch(owner, name, request, image, ifMatch.get())
                            : updateUnconditionally(owner, name, request, image, updateAttempts);
                      });
            });
  }

  CompletionStage<ApiResult> delete(String owner, String name) {
    return store
        .delete(owner, name)
        .thenApply(
            existed -> {
              cache.removedLocally(Lookups.functionKey(owner, name));
              return existed ? new ApiResult.Deleted() : missing(name);
            });
  }

  private CompletionStage<ApiResult> updateIfMatch(
      String owner, String name, FunctionRequest request, ImageState image, IfMatch ifMatch) {
    return store
        .get(owner, name)
        .thenCompose(
            current -> {
              if (current.isEmpty()) {
                return done(missing(name));
              }
              if (!ifMatch.matches(revisionOf(current.get()))) {
                return done(stale(name));
              }
              return write(current.get(), request, image, current.get().revision())
                  .thenCompose(
                      written ->
                          written.isPresent()
                              ? done(written.get())
                              : store
                                  .get(owner, name)
                                  .thenApply(now -> now.isEmpty() ? missing(name) : stale(name)));
            });
  }

  private CompletionStage<ApiResult> updateUnconditionally(
      String owner, String name, FunctionRequest request, ImageState image, int attemptsLeft) {
    return store
        .get(owner, name)
        .thenCompose(
            current -> {
              if (current.isEmpty()) {
                return done(missing(name));
              }
              return write(current.get(), request, image, current.get().revision())
                  .thenCompose(
                      written -> {
                        if (written.isPresent()) {
                          return done(written.get());
                        }
                        if (attemptsLeft <= 1) {
                          return done(
                              new ApiResult.Contended(
                                  "function '" + name + "' kept changing concurrently; try again"));
                        }
                        return updateUnconditionally(
                            owner, name, request, image, attemptsLeft - 1);
                      });
            });
  }

  /** The compare-and-set itself; empty when it lost to another write (or a delete). */
  private CompletionStage<Optional<ApiResult>> write(
      Versioned<FunctionSpec> current,
      FunctionRequest request,
      ImageState image,
      long expectedRevision) {
    FunctionSpec spec =
        request
            .toSpec(current.value().owner(), current.value().createdAt(), now())
            .withImageState(image);
    return store
        .update(spec, expectedRevision)
        .handle(
            (updated, error) -> {
              if (error != null) {
                if (Stages.unwrap(error) instanceof StoreException.RevisionConflict) {
                  return Optional.empty();
                }
                throw rethrow(error);
              }
              cache.put(spec.key(), updated);
              return Optional.of(
                  new ApiResult.Ok(view(updated), revisionOf(updated)));
            });
  }

  private CompletionStage<ImageResolution> resolve(String owner, FunctionRequest request) {
    return images
        .resolve(owner, request.image())
        .thenApply(
            resolved -> {
              if (resolved instanceof Refused refused) {
                log.info(
                    "Image [{}] of function [{}] refused for [{}]: [{}]",
                    request.image(), request.name(), owner, refused.detail());
              } else if (resolved instanceof Pinned pinned) {
                log.info(
                    "Image [{}] of function [{}] of [{}] pinned to [{}]",
                    request.image(), request.name(), owner, pinned.digest());
              }
              return resolved;
            });
  }

  /**
   * The function as the API shows it: its image status from the workers' pull reports
   * ({@link ImageStatuses}), read from the watch-fed cache of the images bucket.
   */
  private Views.FunctionView view(Versioned<FunctionSpec> entry) {
    String prefix = ImagePullReport.imageKey(entry.value().runImage()) + ".";
    List<ImagePullReport> reports =
        pulls.withKeyPrefix(prefix).stream().map(Versioned::value).toList();
    return Views.FunctionView.of(
        entry, ImageStatuses.of(entry.value(), reports), revisionOf(entry));
  }

  /** The revision the API shows, and the {@code ETag}: {@link Etags}, not the store's. */
  private long revisionOf(Versioned<FunctionSpec> entry) {
    return etags.of(entry.value().key(), entry.revision());
  }

  private static ImageState stateOf(ImageResolution resolved) {
    return resolved instanceof Pinned pinned
        ? ImageState.pinned(pinned.digest())
        : ImageState.asIs();
  }

  private static ApiResult imageRefused(Refused refused) {
    return new ApiResult.ImageRefused(
        refused.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), refused.detail());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String location(String name) {
    return "/v1/functions/" + name;
  }

  private static ApiResult missing(String name) {
    return new ApiResult.Missing("no function named '" + name + "'");
  }

  private static ApiResult stale(String name) {
    return new ApiResult.Stale(
        "If-Match does not name the current revision of function '" + name + "'");
  }

  private static CompletionStage<ApiResult> done(ApiResult outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  static RuntimeException rethrow(Throwable error) {
    Throwable cause = Stages.unwrap(error);
    return cause instanceof RuntimeException runtime
        ? runtime
        : new IllegalStateException("store operation failed", cause);
  }
}
