package dev.faas.actors.worker.pool;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The working copy of a {@link PoolBook} during one of its operations, and the effects that
 * operation asks for. Never shared: an operation makes one, changes it and turns it into the next
 * book with {@link #step()}.
 */
final class Draft {
  private final PoolBook from;
  private final PoolSettings settings;
  final LinkedHashMap<PoolKey, KeyBook> keys;
  final Map<Long, PoolBook.Start> starts;
  final List<PoolEffect> effects = new ArrayList<>();
  long nextSerial;
  long started;
  long handedOut;
  long missed;
  long replacedAfterDeath;
  long recycled;
  long retired;
  long invalidated;
  long startFailures;
  boolean deferring;
  boolean drained;
  int drainRemoved;
  int removalsPending;
  boolean drainAnswered;

  Draft(PoolBook book) {
    this.from = book;
    this.settings = book.setup().settings();
    this.keys = new LinkedHashMap<>(book.keys());
    this.starts = new HashMap<>(book.starts());
    this.nextSerial = book.nextSerial();
    PoolStats.Counts c = book.counts();
    started = c.started();
    handedOut = c.handedOut();
    missed = c.missed();
    replacedAfterDeath = c.replacedAfterDeath();
    recycled = c.recycled();
    retired = c.retired();
    invalidated = c.invalidated();
    startFailures = c.startFailures();
    deferring = book.deferring();
    PoolBook.Drain drain = book.drainState();
    drained = drain.drained();
    drainRemoved = drain.removed();
    removalsPending = drain.removalsPending();
    drainAnswered = drain.answered();
  }

  PoolBook.Step step() {
    PoolBook next = new PoolBook(from.setup(), keys, starts,
        new PoolStats.Counts(started, handedOut, missed, replacedAfterDeath, recycled, retired,
            invalidated, startFailures),
        deferring, new PoolBook.Drain(drained, drainRemoved, removalsPending, drainAnswered),
        nextSerial);
    return new PoolBook.Step(next, effects);
  }

  void remove(Container container, String why) {
    if (container != null) {
      effects.add(new PoolEffect.RemoveContainer(container, why));
    }
  }

  void log(PoolEffect.Log.Level level, String format, Object... args) {
    effects.add(new PoolEffect.Log(level, format, Arrays.asList(args)));
  }

  int inFlight() {
    int n = 0;
    for (KeyBook page : keys.values()) {
      n += page.inFlight();
    }
    return n;
  }

  /** A failed pre-start of {@code page}'s key, and when to try again. */
  KeyBook failed(KeyBook page, Throwable failure, Instant now) {
    startFailures++;
    int failures = page.failures() + 1;
    Duration pause =
        failure instanceof ContainerFailure.ImageNotFound
            ? settings.backoffMax()
            : PoolSizing.backoff(failures, settings.backoffMin(), settings.backoffMax());
    log(PoolEffect.Log.Level.WARN, "Pool [{}]: pre-start failed ([{}] in a row), next in [{}]: [{}]",
        page.hash(), failures, pause, failure.toString());
    return page.withFailures(failures, now.plus(pause));
  }

  /** An idle container whose process exited: removed, counted as a failure of its key. */
  KeyBook died(KeyBook page, KeyBook.Idle idle, Instant now) {
    replacedAfterDeath++;
    int failures = page.failures() + 1;
    remove(idle.container(), "exited while idle");
    return page.withFailures(failures,
        now.plus(PoolSizing.backoff(failures, settings.backoffMin(), settings.backoffMax())));
  }

  /**
   * Brings every key to its target: surplus removed first, then starts within the bounds (unless
   * they wait for running activations), then keys that hold and want nothing are forgotten.
   */
  Draft reconcile(Instant now, boolean deferOver) {
    PoolSizing.Bounds bounds = from.setup().bounds();
    Map<PoolKey, PoolSizing.Demand> demands = new LinkedHashMap<>();
    for (KeyBook page : List.copyOf(keys.values())) {
      KeyBook trimmed = page.withDemand(page.demand().forgetOlderThan(now, settings.window()));
      keys.put(page.key(), trimmed);
      demands.put(page.key(),
          trimmed.demand().demand(now, settings.window(), settings.startLatency()));
    }
    LinkedHashMap<PoolKey, Integer> targets = PoolSizing.targets(demands, now, bounds);
    int held = 0;
    int starting = 0;
    for (Map.Entry<PoolKey, Integer> target : targets.entrySet()) {
      KeyBook page = keys.get(target.getKey()).withTarget(target.getValue());
      // Starts in flight are not cancelled: whatever arrives beyond the target goes then.
      while (page.idle().size() > page.target()) {
        retired++;
        remove(page.idle().get(0).container(), "more than the key's target");
        page = page.withoutOldest();
      }
      keys.put(page.key(), page);
      held += page.held();
      starting += page.starting();
    }
    boolean mayStart = true;
    for (PoolKey key : targets.keySet()) {
      KeyBook page = keys.get(key);
      if (page.held() >= page.target() || now.isBefore(page.retryAt())) {
        continue;
      }
      mayStart = mayStart && mayStartNow(deferOver);
      if (!mayStart) {
        break;
      }
      int room =
          Math.min(page.target() - page.held(),
              Math.min(settings.maxStarting() - starting, settings.maxIdleTotal() - held));
      for (int i = 0; i < room; i++) {
        long ticket = nextSerial++;
        starts.put(ticket, new PoolBook.Start(key, page.lease(), now));
        page = page.withStarting(page.starting() + 1);
        effects.add(new PoolEffect.StartContainer(ticket, key));
        starting++;
        held++;
      }
      keys.put(key, page);
    }
    keys.values().removeIf(
        page -> page.held() == 0
            && page.inFlight() == 0
            && PoolSizing.wanted(demands.get(page.key()), now, bounds) == 0);
    return this;
  }

  /**
   * False while pre-starts should wait: activations are running on this worker and the deferral
   * they started has not run out (see {@link PoolSettings#startDefer()}).
   */
  private boolean mayStartNow(boolean deferOver) {
    if (deferOver || settings.startDefer().isZero() || inFlight() == 0) {
      return true;
    }
    if (!deferring) {
      deferring = true;
      effects.add(new PoolEffect.DeferStarts(settings.startDefer()));
    }
    return false;
  }

  /** Answers the drain once nothing it removes is left, nor any start in flight. */
  Draft answerDrainWhenDone() {
    if (drained && !drainAnswered && removalsPending == 0 && starts.isEmpty()) {
      drainAnswered = true;
      effects.add(new PoolEffect.DrainDone(drainRemoved));
    }
    return this;
  }
}
