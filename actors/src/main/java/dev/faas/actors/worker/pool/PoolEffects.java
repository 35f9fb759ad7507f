package dev.faas.actors.worker.pool;

import static dev.faas.actors.Stages.attempt;
import static dev.faas.actors.Stages.unwrap;

import dev.faas.actors.Stages;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.warm.PoolListener;
import dev.faas.actors.warm.PoolStats;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link WarmPool} runs its book's {@link PoolEffect}s: starts piped back to it with a
 * time-out, removals that only log their failures, exit watches, timers, answers and the
 * listener. Holds the actor's ports, no state of the pool.
 */
final class PoolEffects {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(WarmPool.class);

  private final ActorContext<WarmPool.Command> context;
  private final TimerScheduler<WarmPool.Command> timers;
  private final PoolSetup setup;
  private final ContainerRuntime runtime;
  private final Clock clock;
  private final PoolListener listener;
  private final Set<String> exited;

  PoolEffects(
      ActorContext<WarmPool.Command> context,
      TimerScheduler<WarmPool.Command> timers,
      PoolSetup setup,
      ContainerRuntime runtime,
      Clock clock,
      PoolListener listener,
      Set<String> exited) {
    this.context = context;
    this.timers = timers;
    this.setup = setup;
    this.runtime = runtime;
    this.clock = clock;
    this.listener = listener;
    this.exited = exited;
  }

  Instant now() {
    return clock.instant();
  }

  /** True once the exit watch of {@code container} fired. */
  boolean hasExited(Container container) {
    return exited.contains(container.id());
  }

  /** The pool has heard of this exit: the mark is no longer needed. */
  void forgetExit(String containerId) {
    exited.remove(containerId);
  }

  void cancelStartTimer(long ticket) {
    timers.cancel(ticket);
  }

  void stopTicking() {
    timers.cancel(WarmPool.Tick.INSTANCE);
  }

  /**
   * Runs {@code effects}: an acquisition's answer goes to {@code grantTo}, a drain's to {@code
   * drainTo}. Returns {@code drainTo} while its drain is not answered, else null.
   */
  ActorRef<WarmPool.Drained> run(
      List<PoolEffect> effects,
      ActorRef<WarmPool.Grant> grantTo,
      ActorRef<WarmPool.Drained> drainTo) {
    ActorRef<WarmPool.Drained> waiting = drainTo;
    for (PoolEffect effect : effects) {
      if (effect instanceof PoolEffect.StartContainer s) {
        start(s);
      } else if (effect instanceof PoolEffect.RemoveContainer r) {
        removeQuietly(r.container(), r.why());
      } else if (effect instanceof PoolEffect.RemoveForDrain r) {
        List<CompletableFuture<Void>> removals = new ArrayList<>();
        r.containers().forEach(c -> removals.add(removeQuietly(c, r.why()).toCompletableFuture()));
        context.pipeToSelf(
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
                .thenApply(v -> Done.getInstance()),
            (ok, failure) -> WarmPool.DrainRemovalsDone.INSTANCE);
      } else if (effect instanceof PoolEffect.WatchExit w) {
        watchExit(w.key(), w.container());
      } else if (effect instanceof PoolEffect.HandOut h) {
        grantTo.tell(new WarmPool.Warm(h.container(), h.lease()));
      } else if (effect instanceof PoolEffect.Miss m) {
        grantTo.tell(new WarmPool.Cold(m.lease()));
      } else if (effect instanceof PoolEffect.DrainDone d) {
        if (waiting != null) {
          waiting.tell(new WarmPool.Drained(d.removed()));
        }
        waiting = null;
      } else if (effect instanceof PoolEffect.AlreadyDrained) {
        drainTo.tell(new WarmPool.Drained(0));
        waiting = null;
      } else if (effect instanceof PoolEffect.DeferStarts d) {
        timers.startSingleTimer(WarmPool.DeferEnd.INSTANCE, WarmPool.DeferEnd.INSTANCE, d.delay());
      } else if (effect instanceof PoolEffect.CancelDefer) {
        timers.cancel(WarmPool.DeferEnd.INSTANCE);
      } else if (effect instanceof PoolEffect.Log l) {
        log(l);
      }
    }
    return waiting;
  }

  /** Tells the listener {@code stats} if they differ from {@code published}; returns the told. */
  PoolStats publish(PoolStats stats, PoolStats published) {
    if (stats.equals(published)) {
      return published;
    }
    try {
      listener.changed(stats);
    } catch (RuntimeException e) {
      context.getLog().warn("Pool listener failed: [{}]", e.toString());
    }
    return stats;
  }

  /** Removes every idle container of {@code book}: the pool stops or restarts. */
  Behavior<WarmPool.Command> removeAll(PoolBook book, String why) {
    book.idleContainers().forEach(c -> removeQuietly(c, why));
    return Behaviors.same();
  }

  private void start(PoolEffect.StartContainer s) {
    long ticket = s.ticket();
    timers.startSingleTimer(ticket, new WarmPool.StartTimedOut(ticket),
        setup.settings().startTimeout());
    ContainerSpec spec = s.key().spec(setup.platformName(), setup.workerId());
    context.pipeToSelf(
        attempt(() -> runtime.start(spec)),
        (container, failure) ->
            new WarmPool.Started(ticket, container, failure == null ? null : unwrap(failure)));
  }

  private void watchExit(PoolKey key, Container container) {
    ActorRef<WarmPool.Command> self = context.getSelf();
    String id = container.id();
    // A watch that fails leaves the container's state unknown: it is treated as dead.
    attempt(container::exit)
        .whenComplete(
            (exit, failure) -> {
              exited.add(id);
              self.tell(new WarmPool.IdleExited(key, id));
            });
  }

  private CompletionStage<Void> removeQuietly(Container container, String why) {
    if (container == null) {
      return CompletableFuture.completedFuture(null);
    }
    return Stages.logged(attempt(container::remove), ASYNC_LOG,
        "Pooled container [{}] ({}) not removed: [{}]", container.id(), why);
  }

  private void log(PoolEffect.Log l) {
    Object[] args = l.args().toArray();
    switch (l.level()) {
      case DEBUG -> context.getLog().debug(l.format(), args);
      case INFO -> context.getLog().info(l.format(), args);
      case WARN -> context.getLog().warn(l.format(), args);
    }
  }
}
