package dev.faas.actors.worker.pool;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FakeRuntime} whose pre-starts (specs with the pool label) a test can hold back, fail,
 * or have die at once; starts of activation containers go straight through.
 */
final class GatedRuntime implements ContainerRuntime {
  private record Held(ContainerSpec spec, CompletableFuture<Container> result) {}

  final FakeRuntime fake = new FakeRuntime();
  private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooledStarts = new AtomicInteger();
  private final AtomicInteger coldStarts = new AtomicInteger();
  private volatile boolean holding;
  private volatile RuntimeException failure;
  private volatile boolean dieAtOnce;

  /** Pre-starts wait for {@link #releaseHeld} while on. */
  void hold(boolean on) {
    holding = on;
  }

  /** Pre-starts fail with {@code f} (null: they succeed again). */
  void failPreStarts(RuntimeException f) {
    failure = f;
  }

  /** Pre-started containers exit before the pool gets them, like an image that ignores stdin. */
  void dieAtOnce(boolean on) {
    dieAtOnce = on;
  }

  /** Lets every held pre-start through; returns how many. */
  int releaseHeld() {
    int n = 0;
    for (Held h; (h = held.poll()) != null; n++) {
      Held one = h;
      preStart(one.spec())
          .whenComplete(
              (c, f) -> {
                if (f != null) {
                  one.result().completeExceptionally(f);
                } else {
                  one.result().complete(c);
                }
              });
    }
    return n;
  }

  int heldCount() {
    return held.size();
  }

  int pooledStarts() {
    return pooledStarts.get();
  }

  int coldStarts() {
    return coldStarts.get();
  }

  List<FakeRuntime.FakeContainer> livePooled() {
    return fake.liveContainers().stream()
        .filter(c -> c.spec().labels().containsKey(PoolKey.POOL_LABEL))
        .toList();
  }

  FakeRuntime.FakeContainer container(String id) {
    return fake.allContainers().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  @Override
  public CompletionStage<Container> start(ContainerSpec spec) {
    if (!spec.labels().containsKey(PoolKey.POOL_LABEL)) {
      coldStarts.incrementAndGet();
      return fake.start(spec);
    }
    pooledStarts.incrementAndGet();
    RuntimeException f = failure;
    if (f != null) {
      return CompletableFuture.failedFuture(f);
    }
    if (holding) {
      CompletableFuture<Container> result = new CompletableFuture<>();
      held.add(new Held(spec, result));
      return result;
    }
    return preStart(spec);
  }

  private CompletionStage<Container> preStart(ContainerSpec spec) {
    return fake.start(spec)
        .thenCompose(
            c -> dieAtOnce ? c.kill().thenApply(v -> c) : CompletableFuture.completedFuture(c));
  }

  @Override
  public CompletionStage<Integer> removeLabelled(Map<String, String> labels) {
    return fake.removeLabelled(labels);
  }

  @Override
  public CompletionStage<Integer> removeOlderThan(Map<String, String> labels, Duration age) {
    return fake.removeOlderThan(labels, age);
  }

  @Override
  public CompletionStage<Integer> removeOrphans(String workerId) {
    return fake.removeOrphans(workerId);
  }

  @Override
  public CompletionStage<Void> probe() {
    return fake.probe();
  }
}
