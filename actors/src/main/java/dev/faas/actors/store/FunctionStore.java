package dev.faas.actors.store;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Registered functions, keyed by {@code <owner>.<name>}. Every update is compare-and-set on the
 * revision. Implementations never block the caller's thread.
 */
public interface FunctionStore {

  /** Registers a function; {@link StoreException.AlreadyExists} when the owner has that name. */
  CompletionStage<Versioned<FunctionSpec>> create(FunctionSpec function);

  /** The function, or empty. */
  CompletionStage<Optional<Versioned<FunctionSpec>>> get(String owner, String name);

  /**
   * Replaces the function only if {@code expectedRevision} is still its current revision;
   * otherwise {@link StoreException.RevisionConflict} (also when it no longer exists).
   */
  CompletionStage<Versioned<FunctionSpec>> update(FunctionSpec function, long expectedRevision);

  /** Removes the function; completes with false when there was none. */
  CompletionStage<Boolean> delete(String owner, String name);

  /** The owner's functions, in no particular order. */
  CompletionStage<List<Versioned<FunctionSpec>>> list(String owner);

  /** Follows every change; see {@link UserStore#watch(ChangeListener)}. */
  AutoCloseable watch(ChangeListener<FunctionSpec> listener);
}
