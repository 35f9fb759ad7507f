package dev.faas.actors.worker.pool;

import dev.faas.actors.runtime.Container;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/** One key's share of the pool: its idle containers, starts in flight, demand and failures. */
final class KeyPool {

  /**
   * An untouched container waiting for an activation.
   *
   * @param createdAt when its start was asked for: no later than the engine's creation time, which
   *     the worker's sweep goes by
   * @param exited set by the exit watch's callback at once, before the pool hears of it, so a
   *     container that died a moment ago is not handed out
   */
  record Idle(Container container, Instant createdAt, AtomicBoolean exited) {}

  final PoolKey key;
  final String hash;
  /** Tells this key's grants from those of an earlier pool of the same key, since emptied. */
  final long lease;
  final Set<String> functions = new TreeSet<>();
  /** Oldest first. */
  final LinkedHashMap<String, Idle> idle = new LinkedHashMap<>();
  final DemandTracker demand = new DemandTracker();
  int starting;
  int target;
  int failures;
  Instant retryAt = Instant.MIN;

  KeyPool(PoolKey key, long lease) {
    this.key = key;
    this.hash = key.hash();
    this.lease = lease;
  }

  /** Removes and returns the oldest idle container; null when there is none. */
  Idle takeOldest() {
    Iterator<Idle> it = idle.values().iterator();
    if (!it.hasNext()) {
      return null;
    }
    Idle oldest = it.next();
    it.remove();
    return oldest;
  }

  int held() {
    return idle.size() + starting;
  }
}
