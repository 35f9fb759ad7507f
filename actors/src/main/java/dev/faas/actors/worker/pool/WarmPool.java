package dev.faas.actors.worker.pool;

import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.warm.PoolListener;
import dev.faas.actors.warm.PoolSettings;
import dev.faas.actors.warm.PoolStats;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One worker's untouched containers, started ahead of time per {@link PoolKey}, each blocked
 * reading its stdin. The decisions are the {@link PoolBook}'s; this actor feeds it messages and
 * the clock, runs the effects it returns ({@link PoolEffects}) and publishes its figures when they
 * change.
 *
 * <p>Contract with the worker and its runners (through the worker's container source):
 *
 * <ol>
 *   <li>{@link Acquire} is answered at once: {@link Warm} with an idle container, removed from the
 *       pool for good (a container serves one activation; the runner removes it), or {@link Cold}
 *       when none is ready, and the caller starts one itself. Either way the demand is noted and
 *       the key is brought back to its target in the background. The caller sends {@link
 *       Released} when the activation is over. Pre-starts wait while activations acquired here
 *       are running, for {@code startDefer} at most: a start loads the engine and the CPU that a
 *       running activation needs to end quickly.
 *   <li>A container is handed out only if its exit has not been seen and it would be gone before
 *       the worker's sweep could take it for stale: its age plus the function's timeout, kill
 *       grace and removal stay below {@code sweepAge}. Idle containers are replaced at {@code
 *       maxIdleAge} for the same reason. Pooled containers carry the platform, worker and pool
 *       labels but no activation label: labels are fixed at creation.
 *   <li>An idle container whose process exits is removed and replaced, never handed out.
 *       Failures (starts that fail or time out, deaths while idle) back a key off exponentially;
 *       a missing image backs it off the longest.
 *   <li>Targets come from {@link PoolSizing}: idle plus starting containers never exceed {@code
 *       maxIdlePerKey} for a key nor {@code maxIdleTotal} for the worker; a key with no demand
 *       for {@code idleTtl} holds nothing and is forgotten.
 *   <li>{@link FunctionChanged} and {@link FunctionRemoved} empty every key the function used
 *       (an image tag may have been pushed again: its idle containers would run the old one),
 *       for every function sharing them; starts in flight for them are removed on arrival.
 *   <li>{@link Drain} removes every idle container and answers {@link Drained} once they are
 *       gone, and so are the containers whose start was in flight; from then on every
 *       acquisition is {@link Cold} and nothing is pre-started. Stopping or restarting the pool
 *       also removes its idle containers.
 * </ol>
 */
public final class WarmPool {
  /** Gives every book (one per start or restart of a pool) its own range of leases and tickets. */
  private static final AtomicLong BOOKS = new AtomicLong();

  public sealed interface Command {}

  /** A container for an activation of {@code function}, whose spec has key {@code key}. */
  public record Acquire(PoolKey key, FunctionSpec function, ActorRef<Grant> replyTo)
      implements Command {}

  /** The pool's answer to {@link Acquire}; its lease goes back in {@link Released}. */
  public sealed interface Grant {
    long lease();
  }

  /** An untouched pre-started container, now the caller's to run once and remove. */
  public record Warm(Container container, long lease) implements Grant {}

  /** None ready: the caller starts its own container. */
  public record Cold(long lease) implements Grant {}

  /** An acquired container's activation is over (or its cold start failed). */
  public record Released(PoolKey key, long lease) implements Command {}

  /** The function was updated: its pools are emptied. */
  public record FunctionChanged(FunctionId function) implements Command {}

  /** The function was deleted: its pools are emptied. */
  public record FunctionRemoved(FunctionId function) implements Command {}

  /** The worker is stopping: remove every idle container, pre-start nothing more. */
  public record Drain(ActorRef<Drained> replyTo) implements Command {}

  public record Drained(int removed) {}

  public record GetStats(ActorRef<PoolStats> replyTo) implements Command {}

  record Started(long ticket, Container container, Throwable failure) implements Command {}

  record StartTimedOut(long ticket) implements Command {}

  record IdleExited(PoolKey key, String containerId) implements Command {}

  /** A batch of removals for the drain is over. */
  enum DrainRemovalsDone implements Command {
    INSTANCE
  }

  enum Tick implements Command {
    INSTANCE
  }

  /** The longest wait of deferred pre-starts is over: see {@link PoolSettings#startDefer()}. */
  enum DeferEnd implements Command {
    INSTANCE
  }

  private WarmPool() {}

  /** A worker's pool: its labels, slots and sweep age, and its settings, in {@code setup}. */
  public static Behavior<Command> create(
      PoolSetup setup, ContainerRuntime runtime, Clock clock, PoolListener listener) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.setLoggerName(WarmPool.class);
                  timers.startTimerAtFixedRate(Tick.INSTANCE, Tick.INSTANCE,
                      setup.settings().tick());
                  // Set by exit watches on the engine's threads, read when a container is chosen:
                  // one that died a moment ago is not handed out before the pool hears of it.
                  Set<String> exited = ConcurrentHashMap.newKeySet();
                  PoolEffects effects =
                      new PoolEffects(ctx, timers, setup, runtime, clock, listener, exited);
                  PoolBook book = PoolBook.empty(setup, (BOOKS.incrementAndGet() << 32) + 1);
                  return active(effects, book, null);
                }));
  }

  /** Answers what needs an answer when a worker has no pool: cold, empty, nothing to drain. */
  public static void answerWithoutPool(Command command) {
    if (command instanceof Acquire acquire) {
      acquire.replyTo().tell(new Cold(0));
    } else if (command instanceof GetStats get) {
      get.replyTo().tell(PoolStats.empty());
    } else if (command instanceof Drain drain) {
      drain.replyTo().tell(new Drained(0));
    }
  }

  /**
   * The pool at work. {@code published}: the figures the listener was last told (null before the
   * first).
   */
  private static Behavior<Command> active(PoolEffects fx, PoolBook book, PoolStats published) {
    return Behaviors.receive(Command.class)
        .onMessage(Acquire.class, a -> {
          PoolBook.Step step =
              book.acquire(a.key(), a.function(), fx.now(), fx::hasExited);
          return next(fx, step, published, a.replyTo(), null);
        })
        .onMessage(Released.class,
            r -> next(fx, book.released(r.key(), r.lease(), fx.now()), published))
        .onMessage(Started.class, s -> {
          fx.cancelStartTimer(s.ticket());
          return next(fx, book.started(s.ticket(), s.container(), s.failure(), fx.now()),
              published);
        })
        .onMessage(StartTimedOut.class,
            t -> next(fx, book.startTimedOut(t.ticket(), fx.now()), published))
        .onMessage(IdleExited.class, e -> {
          PoolBook.Step step = book.idleExited(e.key(), e.containerId(), fx.now());
          fx.forgetExit(e.containerId());
          return next(fx, step, published);
        })
        .onMessage(FunctionChanged.class, c ->
            next(fx, book.functionGone(c.function(), "changed", fx.now()), published))
        .onMessage(FunctionRemoved.class, r ->
            next(fx, book.functionGone(r.function(), "removed", fx.now()), published))
        .onMessageEquals(Tick.INSTANCE, () -> next(fx, book.tick(fx.now()), published))
        .onMessageEquals(DeferEnd.INSTANCE,
            () -> next(fx, book.deferEnded(fx.now()), published))
        .onMessage(GetStats.class, g -> {
          g.replyTo().tell(book.stats());
          return Behaviors.same();
        })
        .onMessage(Drain.class, d -> next(fx, book.drain(), published, null, d.replyTo()))
        .onMessageEquals(DrainRemovalsDone.INSTANCE,
            () -> next(fx, book.drainRemovalsDone(), published))
        .onSignal(PostStop.class, s -> fx.removeAll(book, "the pool stopped"))
        .onSignal(PreRestart.class, s -> fx.removeAll(book, "the pool restarts"))
        .build();
  }

  /**
   * Drained: every acquisition is cold; starts still in flight are removed as they arrive, and
   * {@code waiting} (null once answered) is answered when the last removal is over.
   */
  private static Behavior<Command> drained(
      PoolEffects fx, PoolBook book, PoolStats published, ActorRef<Drained> waiting) {
    return Behaviors.receive(Command.class)
        .onMessage(Acquire.class, a -> {
          fx.run(book.acquire(a.key(), a.function(), fx.now(), fx::hasExited).effects(),
              a.replyTo(), null);
          return Behaviors.same();
        })
        .onMessage(Started.class, s -> {
          fx.cancelStartTimer(s.ticket());
          return next(fx, book.started(s.ticket(), s.container(), s.failure(), fx.now()),
              published, null, waiting);
        })
        .onMessage(StartTimedOut.class, t ->
            next(fx, book.startTimedOut(t.ticket(), fx.now()), published, null, waiting))
        .onMessageEquals(DrainRemovalsDone.INSTANCE,
            () -> next(fx, book.drainRemovalsDone(), published, null, waiting))
        .onMessage(Drain.class, d -> {
          fx.run(book.drain().effects(), null, d.replyTo());
          return Behaviors.same();
        })
        .onMessage(GetStats.class, g -> {
          g.replyTo().tell(book.stats());
          return Behaviors.same();
        })
        .onAnyMessage(ignored -> Behaviors.same())
        .build();
  }

  private static Behavior<Command> next(PoolEffects fx, PoolBook.Step step, PoolStats published) {
    return next(fx, step, published, null, null);
  }

  /**
   * Runs {@code step}'s effects ({@code grantTo} gets the answer to an acquisition, {@code
   * drainTo} the answer of a drain), tells the listener if the figures changed, and goes on with
   * the next book in the state it is in.
   */
  private static Behavior<Command> next(
      PoolEffects fx,
      PoolBook.Step step,
      PoolStats published,
      ActorRef<Grant> grantTo,
      ActorRef<Drained> drainTo) {
    ActorRef<Drained> waiting = fx.run(step.effects(), grantTo, drainTo);
    PoolBook book = step.book();
    PoolStats now = fx.publish(book.stats(), published);
    if (book.drainState().drained()) {
      fx.stopTicking();
      return drained(fx, book, now, book.drainState().answered() ? null : waiting);
    }
    return active(fx, book, now);
  }
}
