package dev.faas.actors.fakes;

import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A work source that hands out the batches a test gives it, one per pull, and otherwise waits
 * out the pull's wait and returns nothing, as an idle queue does.
 */
public final class ScriptedSource implements WorkSource {
  private final ConcurrentLinkedQueue<List<WorkItem>> batches = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<List<WorkItem>> routedBatches = new ConcurrentLinkedQueue<>();
  private final List<Integer> routedPulls = new CopyOnWriteArrayList<>();
  private volatile boolean routes;
  private final List<Integer> pulls = new CopyOnWriteArrayList<>();
  private final List<Integer> announcements = new CopyOnWriteArrayList<>();
  private volatile IntConsumer onPull = max -> {};
  private volatile Duration sharedDelay = Duration.ZERO;

  public ScriptedSource add(WorkItem... batch) {
    batches.add(List.of(batch));
    return this;
  }

  /** A batch routed to this worker alone; the source then {@link #routes() routes}. */
  public ScriptedSource routed(WorkItem... batch) {
    routes = true;
    routedBatches.add(List.of(batch));
    return this;
  }

  @Override
  public boolean routes() {
    return routes;
  }

  @Override
  public CompletionStage<List<WorkItem>> pullRouted(int max, Duration wait) {
    routedPulls.add(max);
    return answer(routedBatches.poll(), max, wait);
  }

  public List<Integer> routedPulls() {
    return List.copyOf(routedPulls);
  }

  /** Runs on every pull, before it is answered. */
  public ScriptedSource onPull(IntConsumer hook) {
    this.onPull = hook;
    return this;
  }

  /** Answers every shared pull only after {@code delay}, the routed ones as before. */
  public ScriptedSource sharedDelay(Duration delay) {
    this.sharedDelay = delay;
    return this;
  }

  @Override
  public CompletionStage<List<WorkItem>> pull(int max, Duration wait) {
    pulls.add(max);
    onPull.accept(max);
    List<WorkItem> batch = batches.poll();
    if (batch != null && !sharedDelay.isZero()) {
      return CompletableFuture.supplyAsync(
          () -> batch,
          CompletableFuture.delayedExecutor(sharedDelay.toMillis(), TimeUnit.MILLISECONDS));
    }
    return answer(batch, max, wait);
  }

  /** The scripted batch, or none once the pull's wait has passed. */
  private static CompletionStage<List<WorkItem>> answer(
      List<WorkItem> batch, int max, Duration wait) {
    if (batch != null) {
      if (batch.size() > max) {
        throw new IllegalStateException("the test scripted more than the worker asked for");
      }
      return CompletableFuture.supplyAsync(() -> batch);
    }
    return CompletableFuture.supplyAsync(
        List::of, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Override
  public void announce(String workerId, int freeSlots, java.util.Set<String> warmFunctions) {
    announcements.add(freeSlots);
  }

  public List<Integer> pulls() {
    return List.copyOf(pulls);
  }

  public List<Integer> announcements() {
    return List.copyOf(announcements);
  }
}
