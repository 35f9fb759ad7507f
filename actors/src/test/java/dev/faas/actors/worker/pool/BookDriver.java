package dev.faas.actors.worker.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link PoolBook} driven by hand, with no actor: it keeps the book, a clock, the containers the
 * book had started and the effects of the last operation, and plays the runtime's part on demand.
 */
final class BookDriver {
  static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");
  static final Duration RUN_TAIL = Duration.ofSeconds(15);

  private final FakeRuntime runtime = new FakeRuntime();
  /** Containers whose exit watch fired. */
  final Set<String> exited = new HashSet<>();
  PoolBook book;
  Instant now = T0;
  List<PoolEffect> last = List.of();

  BookDriver(PoolSettings settings, int slots) {
    this(new PoolSetup("w1", "faas-test", slots, Duration.ofMinutes(10), RUN_TAIL, settings));
  }

  BookDriver(PoolSetup setup) {
    book = PoolBook.empty(setup, 1);
  }

  /** Defaults with these bounds, no deferral of pre-starts. */
  static PoolSettings settings(int perKey, int total) {
    return PoolHarness.settings(perKey, total);
  }

  static PoolKey key(String image) {
    return new PoolKey(image, Map.of("K", "V"), 64L << 20, 1_000_000_000L, 64, false, 0);
  }

  List<PoolEffect> apply(PoolBook.Step step) {
    book = step.book();
    last = step.effects();
    return last;
  }

  void pass(Duration d) {
    now = now.plus(d);
  }

  /** Acquires for {@code fn} on {@code key}; returns the grant's effect. */
  PoolEffect acquire(PoolKey key, FunctionSpec fn) {
    apply(book.acquire(key, fn, now, c -> exited.contains(c.id())));
    List<PoolEffect> grants = of(PoolEffect.HandOut.class, PoolEffect.Miss.class);
    assertEquals(1, grants.size(), "one answer: " + last);
    return grants.get(0);
  }

  /** Acquires and returns the container handed out, or null on a miss. */
  Container acquireWarm(PoolKey key, FunctionSpec fn) {
    PoolEffect grant = acquire(key, fn);
    return grant instanceof PoolEffect.HandOut h ? h.container() : null;
  }

  void release(PoolKey key, PoolEffect grant) {
    long lease = grant instanceof PoolEffect.HandOut h ? h.lease() : ((PoolEffect.Miss) grant).lease();
    apply(book.released(key, lease, now));
  }

  /** Every start the last operation asked for. */
  List<PoolEffect.StartContainer> starts() {
    return last.stream().filter(PoolEffect.StartContainer.class::isInstance)
        .map(PoolEffect.StartContainer.class::cast).toList();
  }

  /** The starts in flight, in any order. */
  List<Long> tickets() {
    return new ArrayList<>(book.starts().keySet());
  }

  /** Lets the start of {@code ticket} succeed; returns its container. */
  Container arrive(long ticket) {
    Container c = container();
    apply(book.started(ticket, c, null, now));
    return c;
  }

  /** Lets every start in flight succeed. */
  void arriveAll() {
    for (long ticket : tickets()) {
      arrive(ticket);
    }
  }

  void fail(long ticket, RuntimeException failure) {
    apply(book.started(ticket, null, failure, now));
  }

  void failAll() {
    for (long ticket : tickets()) {
      fail(ticket, new ContainerFailure.EngineUnavailable("down", null));
    }
  }

  /** The exit watch of an idle container fires. */
  void exits(PoolKey key, Container c) {
    exited.add(c.id());
    apply(book.idleExited(key, c.id(), now));
  }

  Container container() {
    return runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, "faas-test"));
  }

  /** Removals the last operation asked for, of any kind. */
  List<Container> removed() {
    List<Container> gone = new ArrayList<>();
    for (PoolEffect e : last) {
      if (e instanceof PoolEffect.RemoveContainer r) {
        gone.add(r.container());
      } else if (e instanceof PoolEffect.RemoveForDrain r) {
        gone.addAll(r.containers());
      }
    }
    return gone;
  }

  List<PoolEffect> of(Class<?>... types) {
    List<PoolEffect> found = new ArrayList<>();
    for (PoolEffect e : last) {
      for (Class<?> t : types) {
        if (t.isInstance(e)) {
          found.add(e);
        }
      }
    }
    return found;
  }

  PoolStats stats() {
    return book.stats();
  }

  void assertHeldWithinBounds(int perKey, int total) {
    PoolStats s = stats();
    assertTrue(s.idle() + s.starting() <= total, "over the total: " + s);
    for (PoolStats.KeyStats k : s.keys()) {
      assertTrue(k.idle() + k.starting() <= perKey, "over the per-key bound: " + s);
    }
  }
}
