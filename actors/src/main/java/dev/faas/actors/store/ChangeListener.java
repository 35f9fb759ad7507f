package dev.faas.actors.store;

import dev.faas.actors.model.Versioned;
import java.util.List;

/** Receives a store's changes in revision order, on the store's own thread. */
public interface ChangeListener<T> {

  /** An entry was created or updated. */
  void put(String key, Versioned<T> entry);

  /** An entry was deleted or purged at {@code revision}. */
  void removed(String key, long revision);

  /** Every entry that existed when the watch began has been delivered. */
  void caughtUp();

  /**
   * One listener telling every one of {@code listeners}, in order, so several consumers of one
   * store share a single watch instead of each paying for its own.
   */
  static <T> ChangeListener<T> all(List<ChangeListener<T>> listeners) {
    List<ChangeListener<T>> each = List.copyOf(listeners);
    return new ChangeListener<>() {
      @Override
      public void put(String key, Versioned<T> entry) {
        each.forEach(l -> l.put(key, entry));
      }

      @Override
      public void removed(String key, long revision) {
        each.forEach(l -> l.removed(key, revision));
      }

      @Override
      public void caughtUp() {
        each.forEach(ChangeListener::caughtUp);
      }
    };
  }
}
