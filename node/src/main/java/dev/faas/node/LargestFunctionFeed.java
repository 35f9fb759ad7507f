package dev.faas.node;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.worker.WorkerActor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Tells a worker the largest {@code memoryMb} among the registered functions, from the functions'
 * KV watch, so its memory budget counts an item it has not pulled yet at what a function can
 * really ask for instead of at the most any function may (docs/decisions/0017): on a small host
 * that bound alone would let a worker take one activation at a time. Told once the watch has
 * caught up, then on every change of the largest; until then the worker keeps the maximum.
 *
 * <p>A function registered larger than every other is counted at its size only once its watch
 * event reaches this node; an item of it pulled before that is counted at the previous largest.
 */
final class LargestFunctionFeed implements ChangeListener<FunctionSpec> {
  private final LongConsumer tell;
  private final Map<String, Integer> memory = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;
  private long told = -1;

  LargestFunctionFeed(ActorRef<WorkerActor.Command> worker) {
    this(largest -> worker.tell(new WorkerActor.LargestFunction(largest)));
  }

  LargestFunctionFeed(LongConsumer tell) {
    this.tell = tell;
  }

  @Override
  public void put(String key, Versioned<FunctionSpec> entry) {
    memory.put(key, entry.value().memoryMb());
    tellIfChanged();
  }

  @Override
  public void removed(String key, long revision) {
    memory.remove(key);
    tellIfChanged();
  }

  @Override
  public void caughtUp() {
    caughtUp = true;
    tellIfChanged();
  }

  /** The largest function's memory; with none registered, what a new function gets by default. */
  long largest() {
    return memory.values().stream()
        .mapToLong(Integer::longValue)
        .max()
        .orElse(FunctionSpec.DEFAULT_MEMORY_MB);
  }

  private synchronized void tellIfChanged() {
    if (!caughtUp) {
      return;
    }
    long now = largest();
    if (now != told) {
      told = now;
      tell.accept(now);
    }
  }
}
