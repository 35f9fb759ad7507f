package dev.faas.actors.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * The node-local admission decision, kept apart from the actor so it can be tested alone: at most
 * {@code max} holders at once, a holder counted once however often it asks, nothing ever queued.
 */
public final class NodePermits {
  private final int max;
  private final Set<Object> holders = new HashSet<>();

  public NodePermits(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative: " + max);
    }
    this.max = max;
  }

  /**
   * Grants a permit to {@code holder} when one is free or it already holds one (asking twice
   * never takes two); false when all are taken.
   */
  public boolean tryAcquire(Object holder) {
    if (holders.contains(holder)) {
      return true;
    }
    if (holders.size() >= max) {
      return false;
    }
    holders.add(holder);
    return true;
  }

  /** Frees {@code holder}'s permit; false when it held none (a second release is harmless). */
  public boolean release(Object holder) {
    return holders.remove(holder);
  }

  public boolean holds(Object holder) {
    return holders.contains(holder);
  }

  public int inUse() {
    return holders.size();
  }

  public int max() {
    return max;
  }
}
