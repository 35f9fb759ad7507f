package dev.faas.actors.store;

import dev.faas.actors.model.Versioned;

/** Receives a store's changes in revision order, on the store's own thread. */
public interface ChangeListener<T> {

  /** An entry was created or updated. */
  void put(String key, Versioned<T> entry);

  /** An entry was deleted or purged at {@code revision}. */
  void removed(String key, long revision);

  /** Every entry that existed when the watch began has been delivered. */
  void caughtUp();
}
