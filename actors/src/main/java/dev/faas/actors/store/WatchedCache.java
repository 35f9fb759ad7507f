package dev.faas.actors.store;

import dev.faas.actors.model.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * An in-memory copy of a store, fed by its watch and by this node's own writes, so the hot path
 * reads no store. Entries only move forward in revision: a late watch event never overwrites a
 * newer local write, and a delete leaves a tombstone so an older put cannot revive the entry.
 */
public final class WatchedCache<T> implements ChangeListener<T> {
  private record Slot<T>(Versioned<T> entry, long revision) {
    boolean deleted() {
      return entry == null;
    }
  }

  private final ConcurrentHashMap<String, Slot<T>> slots = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

  @Override
  public void put(String key, Versioned<T> entry) {
    slots.merge(
        key,
        new Slot<>(entry, entry.revision()),
        (old, fresh) -> fresh.revision() > old.revision() ? fresh : old);
  }

  @Override
  public void removed(String key, long revision) {
    slots.merge(
        key,
        new Slot<>(null, revision),
        (old, fresh) -> fresh.revision() > old.revision() ? fresh : old);
  }

  /**
   * Records a delete this node made when the store did not say at which revision: the tombstone
   * sits just above the last revision this node saw, which is never above the real one.
   */
  public void removedLocally(String key) {
    // A delete already seen (from the watch) keeps its revision: raised, the tombstone could reach
    // the revision of the key's next write (the same name registered again at once) and hide it.
    slots.computeIfPresent(
        key, (k, old) -> old.deleted() ? old : new Slot<>(null, old.revision() + 1));
  }

  @Override
  public void caughtUp() {
    caughtUp.complete(null);
  }

  /** Completes once the first full snapshot has arrived. */
  public CompletionStage<Void> whenCaughtUp() {
    return caughtUp;
  }

  public boolean isCaughtUp() {
    return caughtUp.isDone();
  }

  public Optional<Versioned<T>> get(String key) {
    Slot<T> slot = slots.get(key);
    return slot == null || slot.deleted() ? Optional.empty() : Optional.of(slot.entry());
  }

  /** Whether the cache knows {@code key} was deleted (and not written again since). */
  public boolean isRemoved(String key) {
    Slot<T> slot = slots.get(key);
    return slot != null && slot.deleted();
  }

  /** Every live entry whose key starts with {@code prefix}. */
  public List<Versioned<T>> withKeyPrefix(String prefix) {
    return slots.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix) && !e.getValue().deleted())
        .map(e -> e.getValue().entry())
        .toList();
  }

  /** Every live entry that satisfies {@code filter}. */
  public List<Versioned<T>> matching(Predicate<T> filter) {
    return slots.values().stream()
        .filter(s -> !s.deleted() && filter.test(s.entry().value()))
        .map(Slot::entry)
        .toList();
  }
}
