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
  private final List<Integer> pulls = new CopyOnWriteArrayList<>();
  private final List<Integer> announcements = new CopyOnWriteArrayList<>();
  private volatile IntConsumer onPull = max -> {};

  public ScriptedSource add(WorkItem... batch) {
    batches.add(List.of(batch));
    return this;
  }

  /** Runs on every pull, before it is answered. */
  public ScriptedSource onPull(IntConsumer hook) {
    this.onPull = hook;
    return this;
  }

  @Override
  public CompletionStage<List<WorkItem>> pull(int max, Duration wait) {
    pulls.add(max);
    onPull.accept(max);
    List<WorkItem> batch = batches.poll();
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
  public void announce(String workerId, int freeSlots) {
    announcements.add(freeSlots);
  }

  public List<Integer> pulls() {
    return List.copyOf(pulls);
  }

  public List<Integer> announcements() {
    return List.copyOf(announcements);
  }
}
