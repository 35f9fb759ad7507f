package dev.faas.actors.store;

import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Registered users, keyed by username. Implementations never block the caller's thread: every
 * method returns at once and completes on the implementation's own executor.
 */
public interface UserStore {

  /** Registers a user; fails with {@link StoreException.AlreadyExists} when the name is taken. */
  CompletionStage<Versioned<User>> create(User user);

  /** The user, or empty. */
  CompletionStage<Optional<Versioned<User>>> get(String username);

  /** Removes the user; completes normally when there was none. */
  CompletionStage<Void> delete(String username);

  /**
   * Follows every change to the store: first the current entries, then {@link
   * ChangeListener#caughtUp()}, then each change as it happens. Close the result to stop.
   */
  AutoCloseable watch(ChangeListener<User> listener);
}
