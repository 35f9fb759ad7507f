package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.trace.Tracing;
import dev.faas.actors.warm.PoolListener;
import dev.faas.actors.warm.PoolStats;
import dev.faas.actors.worker.pool.WarmPool;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

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

  public sealed interface Command
      permits GetStatus,
          Drain,
          LargestFunction,
          PoolControl,
          Tick,
          PullLoop.Pulled,
          PullLoop.PullFailed,
          PullLoop.Retry,
          EngineCheck.Probed,
          WorkerRuns.RunnerFinished,
          WorkerRuns.RunnerStopped,
          Housekeeping.Removed,
          Announcer.PoolStatsArrived,
          WorkerDrain.Deadline,
          WorkerDrain.PoolDrained {}

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
   * The largest {@code memoryMb} of the functions registered now, as the node's function watch
   * last saw them: the memory budget counts an item not yet pulled at this much (until the first
   * of these arrives, at the most a function may ask for).
   */
  public record LargestFunction(long memoryMb) implements Command {}

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

  private enum Tick implements Command {
    ANNOUNCE,
    SWEEP,
    PROBE
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
    return create(settings, source, runtime, store, clock, listener, engineListener, Tracing.OFF);
  }

  /** As above, its runners' spans going to {@code tracing} (docs/decisions/0022). */
  public static Behavior<Command> create(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ActivationStore store,
      Clock clock,
      PoolListener listener,
      EngineListener engineListener,
      Tracing tracing) {
    if (!settings.pool().enabled()) {
      return create(
          new Parts(settings, source, runtime, new ColdContainerSource(runtime), store, clock,
              null, engineListener, tracing));
    }
    return Behaviors.setup(
        ctx -> {
          PooledContainerSource pooled =
              PooledContainerSource.spawn(ctx, settings, runtime, clock, listener);
          return create(
              new Parts(settings, source, runtime, pooled, store, clock, pooled.pool(),
                  engineListener, tracing));
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
    return create(
        new Parts(settings, source, runtime, containers, store, clock, null, EngineListener.NONE,
            Tracing.OFF));
  }

  private static Behavior<Command> create(Parts parts) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new WorkerActor(ctx, timers, parts).start()));
  }

  /** What a worker is made of: its settings and ports, and its pool when it has one. */
  private record Parts(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ContainerSource containers,
      ActivationStore store,
      Clock clock,
      ActorRef<WarmPool.Command> pool,
      EngineListener engineListener,
      Tracing tracing) {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final WorkerSettings settings;
  private final ContainerRuntime runtime;
  private final ActorRef<WarmPool.Command> pool;
  private final EngineCheck engine;
  private final Pulls pulls;
  private final WorkerRuns runs;
  private final Housekeeping housekeeping;
  private final Announcer announcer;
  private final WorkerDrain drain;
  /** The pool's idle and starting containers' memory, as its last stats said. */
  private long pooledMemoryMb;
  /** What an item not yet pulled is counted at: see {@link LargestFunction}. */
  private long largestFunctionMb = FunctionSpec.MAX_MEMORY_MB;

  private WorkerActor(
      ActorContext<Command> context, TimerScheduler<Command> timers, Parts parts) {
    this.context = context;
    context.setLoggerName(WorkerActor.class);
    this.timers = timers;
    this.settings = parts.settings();
    this.runtime = parts.runtime();
    this.pool = parts.pool();
    this.engine = new EngineCheck(context, runtime, settings, parts.engineListener());
    this.pulls = new Pulls(context, timers, parts.source(), settings);
    RunnerPorts runnerPorts =
        new RunnerPorts(
            settings.workerId(), settings.platformName(), parts.containers(), parts.store(),
            settings.runner(), parts.clock(), parts.tracing());
    this.runs =
        new WorkerRuns(
            context, settings, runtime, runnerPorts, parts.clock(), parts.source()::routes);
    this.housekeeping = new Housekeeping(context, runtime, settings);
    this.announcer = new Announcer(context, parts.source(), settings, pool, runs::free);
    this.drain = new WorkerDrain(context, timers, settings, runs, pool);
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
                    : then(() -> housekeeping.log(removed)))
        .onMessage(EngineCheck.Probed.class, p -> onProbed(p, false))
        .build();
  }

  /** What the worker answers in every state. */
  private BehaviorBuilder<Command> common() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Tick.PROBE,
            () -> then(engine::probe))
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(PoolControl.class, this::onPoolControl)
        .onMessage(
            LargestFunction.class,
            largest -> {
              largestFunctionMb =
                  Math.max(FunctionSpec.MIN_MEMORY_MB, Math.min(largest.memoryMb(), FunctionSpec.MAX_MEMORY_MB));
              return Behaviors.same();
            })
        .onMessage(Drain.class, this::onDrain)
        .onMessage(
            WorkerDrain.PoolDrained.class,
            drained -> then(() -> drain.poolDrained(drained)));
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

  /** Runs {@code effect}; the behaviour stays. */
  private static Behavior<Command> then(Runnable effect) {
    effect.run();
    return Behaviors.same();
  }

  /** The worker pulls and announces only while its engine works and it is not draining. */
  private boolean mayTakeWork() {
    return engine.ok() && !drain.active();
  }

  /** Runs {@code effect} only while the worker takes work; the behaviour stays. */
  private Behavior<Command> whenTakingWork(Runnable effect) {
    return then(() -> {
      if (mayTakeWork()) {
        effect.run();
      }
    });
  }

  /** Announces itself and pulls, as the engine can run what it takes. */
  private Behavior<Command> resume() {
    whenTakingWork(announcer::announce);
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
        .onMessage(PullLoop.PullFailed.class, failed -> then(() -> pulls.failed(failed)))
        .onMessage(
            PullLoop.Retry.class,
            retry -> whenTakingWork(() -> pulls.open(retry.lane(), free(), pullable())))
        .onMessage(
            Announcer.PoolStatsArrived.class,
            stats -> {
              pooledMemoryMb = stats.stats().reservedMemoryBytes() >> 20;
              return whenTakingWork(() -> announcer.announce(stats));
            })
        .onMessage(WorkerRuns.RunnerFinished.class, f -> onRunnerGone(f.activationId(), false))
        .onMessage(WorkerRuns.RunnerStopped.class, s -> onRunnerGone(s.activationId(), true))
        .onMessageEquals(Tick.ANNOUNCE, () -> whenTakingWork(announcer::announce))
        .onMessageEquals(Tick.SWEEP, () -> then(housekeeping::sweep))
        .onMessage(EngineCheck.Probed.class, p -> onProbed(p, true))
        .onMessage(Housekeeping.Removed.class, this::onRemoved)
        .onMessageEquals(WorkerDrain.Deadline.INSTANCE, () -> then(drain::deadline))
        .build();
  }

  private Behavior<Command> onDrain(Drain request) {
    if (!drain.active()) {
      timers.cancel(Tick.ANNOUNCE);
      pulls.cancelRetries();
    }
    drain.begin(request);
    return Behaviors.same();
  }

  private int free() {
    return runs.free();
  }

  /** Items the shared pull may bring: free slots, as far as the memory budget allows. */
  private int pullable() {
    return MemoryBudget.pullable(
        free(), settings.memoryBudgetMb(), runs.memoryMb(), pooledMemoryMb, largestFunctionMb);
  }

  /** Opens each pull loop that may pull now. */
  private Behavior<Command> pullWhatIsFree() {
    return whenTakingWork(() -> pulls.openAll(free(), pullable()));
  }

  private Behavior<Command> onPulled(PullLoop.Pulled pulled) {
    pulls.answered(pulled);
    pulled.items().forEach(runs::take);
    return pullWhatIsFree();
  }

  private Behavior<Command> onRunnerGone(String id, boolean stopped) {
    if (!runs.gone(id, stopped)) {
      return Behaviors.same();
    }
    if (drain.active()) {
      drain.whenIdle();
      return Behaviors.same();
    }
    return pullWhatIsFree();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo()
        .tell(
            new Status(settings.workerId(), settings.slots(), free(), runs.ids(),
                pulls.pulling()));
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
