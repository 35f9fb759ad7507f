package dev.faas.actors.worker;

import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.warm.PoolStats;
import dev.faas.actors.worker.pool.WarmPool;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A worker's announcement of itself: its free slots and, with a pool, the functions it holds
 * pre-started containers for (docs/decisions/0005). The pool is asked first; its answer comes
 * back as {@link PoolStatsArrived} and is announced then.
 */
final class Announcer {

  record PoolStatsArrived(PoolStats stats) implements WorkerActor.Command {}

  private final ActorContext<WorkerActor.Command> context;
  private final WorkSource source;
  private final WorkerSettings settings;
  private final ActorRef<WarmPool.Command> pool;
  private final IntSupplier free;

  Announcer(
      ActorContext<WorkerActor.Command> context,
      WorkSource source,
      WorkerSettings settings,
      ActorRef<WarmPool.Command> pool,
      IntSupplier free) {
    this.context = context;
    this.source = source;
    this.settings = settings;
    this.pool = pool;
    this.free = free;
  }

  /** Announces with the pool's warm functions, once the pool has answered (if there is one). */
  void announce() {
    if (pool == null) {
      announce(Set.of());
      return;
    }
    context.pipeToSelf(
        AskPattern.<WarmPool.Command, PoolStats>ask(
            pool, WarmPool.GetStats::new, settings.announceInterval(),
            context.getSystem().scheduler()),
        (stats, failure) -> new PoolStatsArrived(failure == null ? stats : PoolStats.empty()));
  }

  /** Announces with what the pool answered. */
  void announce(PoolStatsArrived stats) {
    announce(warmFunctions(stats.stats()));
  }

  private void announce(Set<String> warmFunctions) {
    try {
      source.announce(settings.workerId(), Math.max(0, free.getAsInt()), warmFunctions);
    } catch (RuntimeException e) {
      context.getLog().warn("Worker [{}] could not announce itself: [{}]", settings.workerId(),
          e.toString());
    }
  }

  /**
   * The functions ({@code owner.name}) of the keys the pool keeps containers for: idle ones, or a
   * target above zero (a replacement about to start or starting). An announcement is up to a
   * second old when it is read, and a key whose last container was just taken is still the best
   * place for the function's next call.
   */
  private static Set<String> warmFunctions(PoolStats stats) {
    Set<String> warm = new HashSet<>();
    for (PoolStats.KeyStats key : stats.keys()) {
      if (key.idle() > 0 || key.target() > 0) {
        warm.addAll(key.functions());
      }
    }
    return warm;
  }
}
