package dev.faas.actors.worker.pool;

import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One worker's warm pool as a value: every key's idle containers, starts in flight, demand,
 * failures and targets, the counters and the drain. Its operations are pure: each returns the next
 * book and the {@link PoolEffect}s its actor ({@link WarmPool}) runs. The rules are those listed on
 * {@link WarmPool}; the sizing decisions are {@link PoolSizing}'s.
 *
 * @param keys in the order they were first asked for (the order of ties in {@link PoolSizing})
 * @param starts the pre-starts in flight, by ticket
 * @param drainState where a drain stands
 * @param deferring pre-starts wait for the activations in flight, or for {@link #deferEnded}
 * @param nextSerial the next lease or ticket: serials are never reused by one book, and a book
 *     starting from a fresh {@code firstSerial} never takes an earlier book's
 */
public record PoolBook(
    PoolSetup setup,
    Map<PoolKey, KeyBook> keys,
    Map<Long, Start> starts,
    PoolStats.Counts counts,
    boolean deferring,
    Drain drainState,
    long nextSerial) {

  /** One pre-start in flight, for the key's page of {@code lease}, asked for at {@code at}. */
  public record Start(PoolKey key, long lease, Instant at) {}

  /**
   * Where a drain stands.
   *
   * @param removed idle containers removed, and those whose start was in flight at the drain
   * @param removalsPending batches of removals not yet confirmed
   * @param answered the drain was answered
   */
  public record Drain(boolean drained, int removed, int removalsPending, boolean answered) {
    static final Drain NONE = new Drain(false, 0, 0, false);
  }

  /** The next book and what to do. */
  public record Step(PoolBook book, List<PoolEffect> effects) {
    public Step {
      effects = List.copyOf(effects);
    }
  }

  public PoolBook {
    keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    starts = Map.copyOf(starts);
  }

  /** An empty pool whose leases and tickets start at {@code firstSerial}. */
  public static PoolBook empty(PoolSetup setup, long firstSerial) {
    return new PoolBook(setup, Map.of(), Map.of(), PoolStats.Counts.ZERO, false,
        Drain.NONE, firstSerial);
  }

  /**
   * An acquisition of {@code function}, whose spec has {@code key}: answered {@link
   * PoolEffect.HandOut} with the oldest idle container that has not exited ({@code exited}) and
   * would be gone before the sweep, else {@link PoolEffect.Miss}; then the key is reconciled.
   */
  public Step acquire(
      PoolKey key, FunctionSpec function, Instant now, Predicate<Container> exited) {
    if (drainState.drained()) {
      return new Step(this, List.of(new PoolEffect.Miss(0)));
    }
    Draft d = new Draft(this);
    KeyBook page = keys.get(key);
    if (page == null) {
      page = KeyBook.open(key, d.nextSerial++);
    }
    // FunctionSpec.key(): owner.name, as the invalidations name it.
    String name = function.key();
    page = page.withFunction(name).withDemand(page.demand().arrive(now));
    Duration longestRun = Duration.ofMillis(function.timeoutMs())
        .plus(setup.runTail()).plus(setup.settings().tick());
    KeyBook.Idle chosen = null;
    while (chosen == null && !page.idle().isEmpty()) {
      KeyBook.Idle oldest = page.idle().get(0);
      page = page.withoutOldest();
      if (exited.test(oldest.container())) {
        page = d.died(page, oldest, now);
      } else if (!PoolSizing.fitsBeforeSweep(
          Duration.between(oldest.createdAt(), now), longestRun, setup.sweepAge())) {
        d.recycled++;
        d.remove(oldest.container(), "too old to run [" + name + "] before the sweep");
      } else {
        chosen = oldest;
      }
    }
    if (chosen != null) {
      d.handedOut++;
      page = page.withFailures(0, page.retryAt());
      d.log(PoolEffect.Log.Level.DEBUG, "Pool [{}]: container [{}] handed out for [{}]",
          page.hash(), chosen.container().id(), name);
      d.effects.add(new PoolEffect.HandOut(chosen.container(), page.lease()));
    } else {
      d.missed++;
      d.effects.add(new PoolEffect.Miss(page.lease()));
    }
    d.keys.put(key, page);
    return d.reconcile(now, false).step();
  }

  /** An acquisition's activation is over; the last one ends the deferral of pre-starts. */
  public Step released(PoolKey key, long lease, Instant now) {
    if (drainState.drained()) {
      return unchanged();
    }
    Draft d = new Draft(this);
    KeyBook page = keys.get(key);
    if (page != null && page.lease() == lease) {
      d.keys.put(key, page.withDemand(page.demand().release()));
    }
    if (d.deferring && d.inFlight() == 0) {
      // The last activation is over: what waited for it starts now.
      d.effects.add(new PoolEffect.CancelDefer());
      d.deferring = false;
      d.reconcile(now, false);
    }
    return d.step();
  }

  /** The longest wait of deferred pre-starts is over: see {@link PoolSettings#startDefer()}. */
  public Step deferEnded(Instant now) {
    if (drainState.drained()) {
      return unchanged();
    }
    Draft d = new Draft(this);
    d.deferring = false;
    return d.reconcile(now, true).step();
  }

  /**
   * The start of {@code ticket} ended: with {@code container}, or with {@code failure} (null when
   * it worked). A container nobody waits for any more is removed.
   */
  public Step started(long ticket, Container container, Throwable failure, Instant now) {
    Draft d = new Draft(this);
    Start start = d.starts.remove(ticket);
    if (drainState.drained()) {
      if (container != null) {
        d.drainRemoved++;
        d.removalsPending++;
        d.effects.add(new PoolEffect.RemoveForDrain(List.of(container), "started after the drain"));
      }
      return d.answerDrainWhenDone().step();
    }
    KeyBook page = start == null ? null : keys.get(start.key());
    if (page == null || page.lease() != start.lease()) {
      d.remove(container, "started after its key was emptied or timed out");
      return d.step();
    }
    page = page.withStarting(page.starting() - 1);
    if (failure == null && container == null) {
      failure = new NullPointerException("start completed without a container");
    }
    if (failure != null) {
      page = d.failed(page, failure, now);
    } else {
      d.started++;
      page = page.plusIdle(new KeyBook.Idle(container, start.at()));
      d.effects.add(new PoolEffect.WatchExit(page.key(), container));
    }
    d.keys.put(page.key(), page);
    return d.reconcile(now, false).step();
  }

  /** The start of {@code ticket} took longer than {@code startTimeout}: a failure of its key. */
  public Step startTimedOut(long ticket, Instant now) {
    Draft d = new Draft(this);
    Start start = d.starts.remove(ticket);
    if (drainState.drained()) {
      return d.answerDrainWhenDone().step();
    }
    KeyBook page = start == null ? null : keys.get(start.key());
    if (page == null || page.lease() != start.lease()) {
      return unchanged();
    }
    page = d.failed(page.withStarting(page.starting() - 1),
        new ContainerFailure("no container within " + setup.settings().startTimeout(), null), now);
    d.keys.put(page.key(), page);
    return d.reconcile(now, false).step();
  }

  /** An idle container's process exited: it is removed and replaced, never handed out. */
  public Step idleExited(PoolKey key, String containerId, Instant now) {
    KeyBook page = drainState.drained() ? null : keys.get(key);
    Optional<KeyBook.Idle> gone = page == null ? Optional.empty()
        : page.idle().stream().filter(i -> i.container().id().equals(containerId)).findFirst();
    if (gone.isEmpty()) {
      return unchanged();
    }
    Draft d = new Draft(this);
    List<KeyBook.Idle> left = new ArrayList<>(page.idle());
    left.remove(gone.get());
    d.log(PoolEffect.Log.Level.INFO, "Pool [{}]: idle container [{}] exited, replacing it",
        page.hash(), containerId);
    d.keys.put(key, d.died(page.withIdle(left), gone.get(), now));
    return d.reconcile(now, false).step();
  }

  /** Recycles idle containers of {@code maxIdleAge}, then brings every key to its target. */
  public Step tick(Instant now) {
    if (drainState.drained()) {
      return unchanged();
    }
    Draft d = new Draft(this);
    for (KeyBook page : keys.values()) {
      List<KeyBook.Idle> young = new ArrayList<>();
      for (KeyBook.Idle idle : page.idle()) {
        if (Duration.between(idle.createdAt(), now)
            .compareTo(setup.settings().maxIdleAge()) < 0) {
          young.add(idle);
        } else {
          d.recycled++;
          d.remove(idle.container(), "older than maxIdleAge");
        }
      }
      d.keys.put(page.key(), page.withIdle(young));
    }
    return d.reconcile(now, false).step();
  }

  /**
   * The function changed or went ({@code why}): every key it used is emptied,
   * for every function sharing it. Starts in flight for them are removed on arrival.
   */
  public Step functionGone(FunctionId gone, String why, Instant now) {
    String function = gone.key();
    List<KeyBook> used = keys.values().stream()
        .filter(page -> page.functions().contains(function)).toList();
    if (drainState.drained() || used.isEmpty()) {
      return unchanged();
    }
    Draft d = new Draft(this);
    int removed = 0;
    for (KeyBook page : used) {
      d.keys.remove(page.key());
      for (KeyBook.Idle idle : page.idle()) {
        removed++;
        d.remove(idle.container(), "function " + why);
      }
    }
    d.invalidated += removed;
    d.log(PoolEffect.Log.Level.INFO, "Function [{}] {}: [{}] idle containers removed", function,
        why, removed);
    return d.reconcile(now, false).step();
  }

  /**
   * The worker stops: every idle container is removed, nothing more is pre-started, and every
   * acquisition is a miss. {@link PoolEffect.DrainDone} comes once the idle containers are gone
   * and so are those whose start was in flight: none may outlive the engine's connection.
   */
  public Step drain() {
    if (drainState.drained()) {
      return new Step(this, List.of(new PoolEffect.AlreadyDrained()));
    }
    Draft d = new Draft(this);
    List<Container> idle = new ArrayList<>();
    keys.values().forEach(page -> page.idle().forEach(i -> idle.add(i.container())));
    d.keys.clear();
    d.drained = true;
    d.drainRemoved = idle.size();
    d.removalsPending = 1;
    d.log(PoolEffect.Log.Level.INFO, "Pool of worker [{}] drained: removing [{}] idle containers",
        setup.workerId(), idle.size());
    d.effects.add(new PoolEffect.RemoveForDrain(idle, "drained"));
    return d.step();
  }

  /** A batch of {@link PoolEffect.RemoveForDrain} is over. */
  public Step drainRemovalsDone() {
    Draft d = new Draft(this);
    d.removalsPending--;
    return d.answerDrainWhenDone().step();
  }

  /** Every idle container: what the pool removes when it stops. */
  public List<Container> idleContainers() {
    List<Container> all = new ArrayList<>();
    keys.values().forEach(page -> page.idle().forEach(i -> all.add(i.container())));
    return all;
  }

  /** The figures of this book. */
  public PoolStats stats() {
    List<PoolStats.KeyStats> perKey = new ArrayList<>(keys.size());
    int idle = 0;
    int starting = 0;
    int busy = 0;
    for (KeyBook page : keys.values()) {
      perKey.add(new PoolStats.KeyStats(page.hash(), page.key().image(),
          List.copyOf(page.functions()), page.idle().size(), page.starting(), page.inFlight(),
          page.target(), page.key().memoryBytes()));
      idle += page.idle().size();
      starting += page.starting();
      busy += page.inFlight();
    }
    return new PoolStats(idle, starting, busy, perKey, counts, drainState.drained());
  }

  private Step unchanged() {
    return new Step(this, List.of());
  }
}
