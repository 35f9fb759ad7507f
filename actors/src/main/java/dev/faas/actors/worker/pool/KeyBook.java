package dev.faas.actors.worker.pool;

import dev.faas.actors.runtime.Container;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One key's page of the {@link PoolBook}: its idle containers, starts in flight, demand and
 * failures. An immutable value.
 *
 * @param lease tells this key's grants from those of an earlier page of the same key, since
 *     emptied
 * @param functions the functions ({@code owner.name}) that asked for the key
 * @param idle oldest first
 * @param retryAt no pre-start before this (back-off after failures)
 */
record KeyBook(
    PoolKey key,
    String hash,
    long lease,
    SortedSet<String> functions,
    List<Idle> idle,
    DemandTracker demand,
    int starting,
    int target,
    int failures,
    Instant retryAt) {

  /**
   * An untouched container waiting for an activation.
   *
   * @param createdAt when its start was asked for: no later than the engine's creation time, which
   *     the worker's sweep goes by
   */
  record Idle(Container container, Instant createdAt) {}

  KeyBook {
    functions = Collections.unmodifiableSortedSet(new TreeSet<>(functions));
    idle = List.copyOf(idle);
  }

  /** A key asked for the first time (or again after it was emptied or forgotten). */
  static KeyBook open(PoolKey key, long lease) {
    return new KeyBook(key, key.hash(), lease, new TreeSet<>(), List.of(), new DemandTracker(), 0,
        0, 0, Instant.MIN);
  }

  /** Idle and starting: what the key holds. */
  int held() {
    return idle.size() + starting;
  }

  int inFlight() {
    return demand.inFlight();
  }

  KeyBook withFunction(String function) {
    if (functions.contains(function)) {
      return this;
    }
    SortedSet<String> more = new TreeSet<>(functions);
    more.add(function);
    return new KeyBook(key, hash, lease, more, idle, demand, starting, target, failures, retryAt);
  }

  KeyBook withIdle(List<Idle> next) {
    return new KeyBook(key, hash, lease, functions, next, demand, starting, target, failures,
        retryAt);
  }

  KeyBook plusIdle(Idle one) {
    List<Idle> more = new ArrayList<>(idle);
    more.add(one);
    return withIdle(more);
  }

  /** Without its oldest idle container (there must be one). */
  KeyBook withoutOldest() {
    return withIdle(idle.subList(1, idle.size()));
  }

  KeyBook withDemand(DemandTracker next) {
    return new KeyBook(key, hash, lease, functions, idle, next, starting, target, failures,
        retryAt);
  }

  KeyBook withStarting(int n) {
    return new KeyBook(key, hash, lease, functions, idle, demand, n, target, failures, retryAt);
  }

  KeyBook withTarget(int n) {
    return new KeyBook(key, hash, lease, functions, idle, demand, starting, n, failures, retryAt);
  }

  KeyBook withFailures(int n, Instant nextTry) {
    return new KeyBook(key, hash, lease, functions, idle, demand, starting, target, n, nextTry);
  }
}
