package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.model.FunctionId;
import dev.faas.actors.routing.Routing;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.worker.pool.PoolListener;
import dev.faas.actors.worker.pool.PoolStats;
import dev.faas.actors.worker.pool.WarmPool;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: pulls activations only for its free slots and runs each in a {@link RunnerActor}.
 *
 * <p>Contract with the node that spawns it, and with its runners:
 *
 * <ol>
 *   <li>Before its first pull it takes its lease on the engine and removes the containers no live
 *       worker holds: those a previous run of the same worker id left behind, and those of workers
 *       whose lease has ended (killed); every {@code sweepInterval} it does so again, and removes
 *       platform containers older than {@code sweepAge}.
 *   <li>Every {@code probeInterval} it checks that its engine can start a container ({@link
 *       ContainerRuntime#probe}), and tells its {@link EngineListener}. It pulls and announces
 *       itself only while the last check passed: a worker that cannot run anything takes no work,
 *       and the API nodes stop counting it. When a check passes again after failing, it first
 *       removes the containers of its label that its runtime no longer uses (an engine restart
 *       leaves them behind).
 *   <li>It never holds more items than {@code slots}, but for one: it pulls {@code free} at most
 *       from the shared queue, one pull at a time, and when its transport {@link
 *       WorkSource#routes() routes}, one item at a time from the activations routed to it alone,
 *       whose pull may be answered while the last free slot was being filled from the shared
 *       queue (docs/decisions/0005).
 *   <li>An item delivered a second time (its first worker died) or pulled after its {@code
 *       acceptBy} is dropped unrun, with a {@code Dropped} reply: nothing runs twice, nothing runs
 *       for a caller that has already been answered.
 *   <li>Any other item is answered {@code Accepted} and given to a new runner, which it watches.
 *       A runner's {@link RunnerActor.Finished} frees its slot; a runner that stops without it
 *       (a crash) also frees its slot, and the worker then settles the item, replies {@code
 *       Completed} with a platform error and removes the activation's container by label.
 *   <li>It announces itself with its free slots every {@code announceInterval}, with the
 *       functions its warm pool keeps containers for.
 *   <li>{@link Drain} (the node is stopping): it pulls and announces no more, lets its running
 *       activations finish until the drain's timeout, then {@link RunnerActor.Stop stops} those
 *       still running (their callers get a 503 saying the worker stopped), empties its pool and
 *       answers {@link Drained}. Items an open pull delivers meanwhile are run as usual.
 *   <li>With {@code pool().enabled} its runners take containers from a {@link WarmPool} child
 *       (pre-started, untouched, never reused), which it tells of {@link PoolControl} messages.
 *       Pooled containers carry no activation label: a crashed runner's own stop removes its
 *       container, and the pool keeps every container's life below {@code sweepAge}.
 * </ol>
 */
public final class WorkerActor {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(WorkerActor.class);

  public interface Command {}

  /** What the worker is doing now. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public record Status(String workerId, int slots, int free, Set<String> running, boolean pulling) {}

  /**
   * The node is stopping: take no more work, let what runs finish within {@code timeout}, stop
   * the rest, empty the pool, then answer.
   */
  public record Drain(Duration timeout, ActorRef<Drained> replyTo) implements Command {}

  /**
   * The worker has drained: {@code finished} activations ended on their own during the drain,
   * {@code stopped} were stopped at its timeout, {@code poolRemoved} idle containers went.
   */
  public record Drained(int finished, int stopped, int poolRemoved) {}

  /**
   * For the worker's warm pool: invalidations and stats. Without a pool, what asks for an answer
   * gets an empty one.
   */
  public sealed interface PoolControl extends Command {}

  /** The function was updated: the pool empties every key it used. */
  public record FunctionChanged(FunctionId function) implements PoolControl {}

  /** The function was deleted: the pool empties every key it used. */
  public record FunctionRemoved(FunctionId function) implements PoolControl {}

  /** The pool's figures; empty without a pool. */
  public record GetPoolStats(ActorRef<PoolStats> replyTo) implements PoolControl {}

  private record PoolDrained(WarmPool.Drained drained) implements Command {}

  private enum Tick implements Command {
    ANNOUNCE,
    SWEEP,
    PROBE,
    DRAIN_DEADLINE
  }

  /**
   * A drain in progress: whom to answer, how many ran when it began, how many were stopped at its
   * timeout.
   */
  private record Draining(ActorRef<Drained> replyTo, int runningAtStart, int stopped) {
    Draining stopped(int more) {
      return new Draining(replyTo, runningAtStart, stopped + more);
    }
  }

  /**
   * A worker starting a fresh container for every activation, or taking it from a warm pool when
   * {@code settings.pool().enabled()}; the pool's figures are told to {@code listener} (gauges),
   * the engine's health to {@code engineListener} (readiness).
   */
  public static Behavior<Command> create(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ActivationStore store,
      Clock clock,
      PoolListener listener,
      EngineListener engineListener) {
    if (!settings.pool().enabled()) {
      return create(settings, source, runtime, new ColdContainerSource(runtime), store, clock,
          null, engineListener);
    }
    return Behaviors.setup(
        ctx -> {
          PooledContainerSource pooled =
              PooledContainerSource.spawn(ctx, settings, runtime, clock, listener);
          return create(settings, source, runtime, pooled, store, clock, pooled.pool(),
              engineListener);
        });
  }

  /** A worker taking containers from {@code containers}; its pool settings are not used. */
  public static Behavior<Command> create(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ContainerSource containers,
      ActivationStore store,
      Clock clock) {
    return create(settings, source, runtime, containers, store, clock, null, EngineListener.NONE);
  }

  private static Behavior<Command> create(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ContainerSource containers,
      ActivationStore store,
      Clock clock,
      ActorRef<WarmPool.Command> pool,
      EngineListener engineListener) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new WorkerActor(ctx, timers, settings, source, runtime, containers, store,
                            clock, pool, engineListener)
                        .start()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final WorkerSettings settings;
  private final WorkSource source;
  private final ContainerRuntime runtime;
  private final Clock clock;
  private final ActorRef<WarmPool.Command> pool;
  private final EngineCheck engine;
  private final PullLoop shared;
  private final PullLoop routed;
  private final WorkerRuns runs;
  private final Housekeeping housekeeping;
  private final Announcer announcer;
  /** A pull failed and none has worked since: the failure was logged. */
  private boolean pullsFailing;
  /** Set by {@link Drain}: no pull, no announcement from then on. */
  private Draining draining;

  private WorkerActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ContainerSource containers,
      ActivationStore store,
      Clock clock,
      ActorRef<WarmPool.Command> pool,
      EngineListener engineListener) {
    this.context = context;
    context.setLoggerName(WorkerActor.class);
    this.timers = timers;
    this.settings = settings;
    this.source = source;
    this.runtime = runtime;
    this.clock = clock;
    this.pool = pool;
    this.engine = new EngineCheck(context, runtime, settings, engineListener);
    this.shared = new PullLoop(PullLoop.Lane.SHARED, context, timers, source, settings);
    this.routed = new PullLoop(PullLoop.Lane.ROUTED, context, timers, source, settings);
    RunnerPorts runnerPorts =
        new RunnerPorts(
            settings.workerId(), settings.platformName(), containers, store, settings.runner(),
            clock);
    this.runs = new WorkerRuns(context, settings, runtime, runnerPorts, clock, source::routes);
    this.housekeeping = new Housekeeping(context, runtime, settings);
    this.announcer = new Announcer(context, source, settings, pool, runs::free);
  }

  private Behavior<Command> start() {
    context.getLog().info("Worker [{}] starting with [{}] slots: removing its leftovers",
        settings.workerId(), settings.slots());
    housekeeping.removeOrphans(Housekeeping.Why.START);
    engine.probe();
    timers.startTimerAtFixedRate(Tick.PROBE, Tick.PROBE, settings.probeInterval());
    return startingUp();
  }

  private Behavior<Command> startingUp() {
    return common()
        .onMessage(
            Housekeeping.Removed.class,
            removed ->
                removed.why() == Housekeeping.Why.START
                    ? onCleanedUp(removed)
                    : onRemoved(removed))
        .onMessage(EngineCheck.Probed.class, p -> onProbed(p, false))
        .build();
  }

  /** What the worker answers in every state. */
  private BehaviorBuilder<Command> common() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Tick.PROBE,
            () -> {
              engine.probe();
              return Behaviors.same();
            })
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(PoolControl.class, this::onPoolControl)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(PoolDrained.class, this::onPoolDrained);
  }

  /** {@code working}: the worker is past its start-up cleanup and may pull. */
  private Behavior<Command> onProbed(EngineCheck.Probed probed, boolean working) {
    switch (engine.onProbed(probed)) {
      case RESUME:
        return working ? resume() : Behaviors.same();
      case RECOVER:
        housekeeping.removeOrphans(Housekeeping.Why.OUTAGE);
        return Behaviors.same();
      case NOTHING:
      default:
        return Behaviors.same();
    }
  }

  /** After an outage's leftovers are removed, the worker takes work again. */
  private Behavior<Command> onRemoved(Housekeeping.Removed removed) {
    housekeeping.log(removed);
    return removed.why() == Housekeeping.Why.OUTAGE && engine.ok() ? resume() : Behaviors.same();
  }

  private boolean mayAnnounce() {
    return engine.ok() && draining == null;
  }

  private void announceWithPool() {
    if (mayAnnounce()) {
      announcer.announce();
    }
  }

  /** Announces itself and pulls, as the engine can run what it takes. */
  private Behavior<Command> resume() {
    announceWithPool();
    return pullWhatIsFree();
  }

  private Behavior<Command> onCleanedUp(Housekeeping.Removed cleanedUp) {
    housekeeping.log(cleanedUp);
    housekeeping.sweep();
    timers.startTimerAtFixedRate(Tick.ANNOUNCE, Tick.ANNOUNCE, settings.announceInterval());
    timers.startTimerAtFixedRate(Tick.SWEEP, Tick.SWEEP, settings.sweepInterval());
    if (engine.ok()) {
      resume();
    }
    return working();
  }

  private Behavior<Command> working() {
    return common()
        .onMessage(PullLoop.Pulled.class, this::onPulled)
        .onMessage(PullLoop.PullFailed.class, this::onPullFailed)
        .onMessage(PullLoop.Retry.class, retry -> pull(retry.lane()))
        .onMessage(
            Announcer.PoolStatsArrived.class,
            stats -> {
              if (mayAnnounce()) {
                announcer.announce(stats);
              }
              return Behaviors.same();
            })
        .onMessage(WorkerRuns.RunnerFinished.class, f -> onRunnerGone(f.activationId(), false))
        .onMessage(WorkerRuns.RunnerStopped.class, s -> onRunnerGone(s.activationId(), true))
        .onMessageEquals(
            Tick.ANNOUNCE,
            () -> {
              announceWithPool();
              return Behaviors.same();
            })
        .onMessageEquals(
            Tick.SWEEP,
            () -> {
              housekeeping.sweep();
              return Behaviors.same();
            })
        .onMessage(EngineCheck.Probed.class, p -> onProbed(p, true))
        .onMessage(Housekeeping.Removed.class, this::onRemoved)
        .onMessageEquals(Tick.DRAIN_DEADLINE, this::onDrainDeadline)
        .build();
  }

  private Behavior<Command> onDrain(Drain drain) {
    if (draining != null) {
      drain.replyTo().tell(new Drained(0, 0, 0));
      return Behaviors.same();
    }
    draining = new Draining(drain.replyTo(), runs.count(), 0);
    context.getLog().info("Worker [{}] draining: taking no more work, [{}] activations running,"
        + " [{}] to finish", settings.workerId(), runs.count(), drain.timeout());
    timers.cancel(Tick.ANNOUNCE);
    shared.cancelRetry();
    routed.cancelRetry();
    timers.startSingleTimer(Tick.DRAIN_DEADLINE, drain.timeout());
    return drainedWhenIdle();
  }

  private Behavior<Command> onDrainDeadline() {
    if (runs.count() == 0) {
      return Behaviors.same();
    }
    context.getLog().warn("Worker [{}] drain time over: stopping [{}] activations still running",
        settings.workerId(), runs.count());
    draining = draining.stopped(runs.stopAll());
    return Behaviors.same();
  }

  /** Once nothing runs any more, empties the pool; {@link PoolDrained} then answers the drain. */
  private Behavior<Command> drainedWhenIdle() {
    if (draining == null || runs.count() > 0) {
      return Behaviors.same();
    }
    timers.cancel(Tick.DRAIN_DEADLINE);
    if (pool == null) {
      return onPoolDrained(new PoolDrained(new WarmPool.Drained(0)));
    }
    pool.tell(
        new WarmPool.Drain(context.messageAdapter(WarmPool.Drained.class, PoolDrained::new)));
    return Behaviors.same();
  }

  private Behavior<Command> onPoolDrained(PoolDrained poolDrained) {
    if (draining != null) {
      int finished = Math.max(0, draining.runningAtStart() - draining.stopped());
      int removed = poolDrained.drained().removed();
      context.getLog().info("Worker [{}] drained: [{}] activations finished, [{}] stopped, [{}]"
          + " idle containers removed", settings.workerId(), finished, draining.stopped(), removed);
      draining.replyTo().tell(new Drained(finished, draining.stopped(), removed));
    }
    return Behaviors.same();
  }

  private int free() {
    return runs.free();
  }

  /** Opens each pull loop that may pull now. */
  private Behavior<Command> pullWhatIsFree() {
    pull(PullLoop.Lane.SHARED);
    return pull(PullLoop.Lane.ROUTED);
  }

  /**
   * Opens the loop of {@code lane} if it may pull now: the shared one for the free slots, the
   * routed one for one item while {@link Routing#mayPullRouted} allows it.
   */
  private Behavior<Command> pull(PullLoop.Lane lane) {
    if (!engine.ok() || draining != null) {
      return Behaviors.same();
    }
    if (lane == PullLoop.Lane.SHARED) {
      shared.open(free());
    } else if (source.routes() && Routing.mayPullRouted(shared.inFlight(), shared.max(), free())) {
      routed.open(1);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPulled(PullLoop.Pulled pulled) {
    loop(pulled.lane()).ended();
    if (pullsFailing) {
      pullsFailing = false;
      context.getLog().info("Worker [{}] pulls work again", settings.workerId());
    }
    pulled.items().forEach(runs::take);
    return pullWhatIsFree();
  }

  /**
   * Logs a failed pull once per outage (they are retried every {@code pullRetry}, and a NATS
   * outage would otherwise log one a second); the next pull that works says it is over.
   */
  private Behavior<Command> onPullFailed(PullLoop.PullFailed failed) {
    loop(failed.lane()).failed();
    String which = failed.lane() == PullLoop.Lane.SHARED ? "pull" : "pull of routed work";
    if (!pullsFailing) {
      pullsFailing = true;
      context.getLog().warn("Worker [{}] {} failed: [{}]; retrying every [{}]",
          settings.workerId(), which, failed.failure().toString(), settings.pullRetry());
    } else {
      context.getLog().debug("Worker [{}] {} failed again: [{}]", settings.workerId(), which,
          failed.failure().toString());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRunnerGone(String id, boolean stopped) {
    if (!runs.gone(id, stopped)) {
      return Behaviors.same();
    }
    return draining != null ? drainedWhenIdle() : pullWhatIsFree();
  }

  private PullLoop loop(PullLoop.Lane lane) {
    return lane == PullLoop.Lane.SHARED ? shared : routed;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo()
        .tell(
            new Status(settings.workerId(), settings.slots(), free(), runs.ids(),
                shared.inFlight()));
    return Behaviors.same();
  }

  private Behavior<Command> onPoolControl(PoolControl control) {
    WarmPool.Command command;
    if (control instanceof FunctionChanged c) {
      command = new WarmPool.FunctionChanged(c.function());
    } else if (control instanceof FunctionRemoved r) {
      command = new WarmPool.FunctionRemoved(r.function());
    } else {
      command = new WarmPool.GetStats(((GetPoolStats) control).replyTo());
    }
    if (pool != null) {
      pool.tell(command);
    } else {
      WarmPool.answerWithoutPool(command);
    }
    return Behaviors.same();
  }
}
