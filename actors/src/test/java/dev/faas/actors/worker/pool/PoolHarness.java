package dev.faas.actors.worker.pool;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.MutableClock;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import dev.faas.actors.worker.ContainerSource;
import dev.faas.actors.worker.ContainerSpecs;
import dev.faas.actors.worker.PooledContainerSource;
import dev.faas.actors.worker.RunnerSettings;
import dev.faas.actors.worker.WorkerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/** One pool on a gated fake runtime, a moving clock, and every figure it published. */
final class PoolHarness implements AutoCloseable {
  static final String PLATFORM = "faas-test";
  static final RunnerSettings RUNNER = RunnerSettings.defaults();
  private static final AtomicInteger IDS = new AtomicInteger();

  final ActorTestKit kit;
  final ManualTime time;
  final GatedRuntime runtime = new GatedRuntime();
  final MutableClock clock = new MutableClock();
  final List<PoolStats> published = new CopyOnWriteArrayList<>();
  final WorkerSettings worker;
  final ActorRef<WarmPool.Command> pool;
  final PooledContainerSource source;

  PoolHarness(ActorTestKit kit, ManualTime time, PoolSettings settings, int slots) {
    this.kit = kit;
    this.time = time;
    this.worker = WorkerSettings.defaults("w1", PLATFORM, slots).withPool(settings);
    this.pool = kit.spawn(WarmPool.create(PooledContainerSource.poolSetup(worker), runtime, clock,
        published::add));
    this.source =
        new PooledContainerSource(pool, runtime, settings.askTimeout(), kit.system().scheduler());
  }

  /** Pool settings for tests: defaults with these bounds. */
  static PoolSettings settings(int perKey, int total) {
    PoolSettings d = PoolSettings.defaults();
    return new PoolSettings(true, perKey, total, d.idleTtl(), d.window(), d.startLatency(),
        d.maxIdleAge(), d.maxStarting(), d.tick(), d.startTimeout(), d.backoffMin(),
        d.backoffMax(), d.askTimeout(), Duration.ZERO);
  }

  static FunctionSpec function(String name, String image, int timeoutMs) {
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    return new FunctionSpec(Fns.OWNER, name, image, timeoutMs, 64, "", java.util.Map.of("K", "V"),
        null, false, t, t);
  }

  static ContainerSpec specFor(FunctionSpec fn) {
    String id = String.format("act%07d", IDS.incrementAndGet());
    return ContainerSpecs.forActivation(Fns.request(id, fn, "in".getBytes()), "w1", PLATFORM,
        RUNNER);
  }

  CompletableFuture<ContainerSource.Acquired> acquireAsync(FunctionSpec fn) {
    return source.acquire(specFor(fn), fn).toCompletableFuture();
  }

  ContainerSource.Acquired acquire(FunctionSpec fn) {
    try {
      return acquireAsync(fn).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no container", e);
    }
  }

  PoolStats stats() {
    TestProbe<PoolStats> probe = kit.createTestProbe();
    pool.tell(new WarmPool.GetStats(probe.ref()));
    return probe.receiveMessage();
  }

  PoolStats awaitStats(String what, Predicate<PoolStats> condition) {
    TestProbe<Object> probe = kit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(5),
        Duration.ofMillis(5),
        () -> {
          PoolStats s = stats();
          assertTrue(condition.test(s), what + ": " + s);
          return s;
        });
  }

  /**
   * Moves the pool's clock and its timers together, and returns once the pool has handled the
   * timers that fired (they were sent before the stats request that follows them).
   */
  void pass(Duration d) {
    clock.advance(d);
    time.timePasses(d);
    stats();
  }

  @Override
  public void close() {
    kit.stop(pool);
  }
}
