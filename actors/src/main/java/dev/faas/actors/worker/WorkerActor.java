package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.worker.pool.PoolListener;
import dev.faas.actors.worker.pool.PoolStats;
import dev.faas.actors.worker.pool.WarmPool;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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

  public sealed interface Command {}

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
  public record FunctionChanged(String owner, String name) implements PoolControl {}

  /** The function was deleted: the pool empties every key it used. */
  public record FunctionRemoved(String owner, String name) implements PoolControl {}

  /** The pool's figures; empty without a pool. */
  public record GetPoolStats(ActorRef<PoolStats> replyTo) implements PoolControl {}

  private record CleanedUp(Integer removed, Throwable failure) implements Command {}

  private record Pulled(List<WorkItem> items) implements Command {}

  private record PullFailed(Throwable failure) implements Command {}

  private record RoutedPulled(List<WorkItem> items) implements Command {}

  private record RoutedPullFailed(Throwable failure) implements Command {}

  private record PoolStatsArrived(PoolStats stats) implements Command {}

  private record RunnerFinished(String activationId) implements Command {}

  private record RunnerStopped(String activationId) implements Command {}

  private record Swept(Integer removed, Throwable failure) implements Command {}

  private record Probed(Throwable failure) implements Command {}

  private record Recovered(Integer removed, Throwable failure) implements Command {}

  private record PoolDrained(WarmPool.Drained drained) implements Command {}

  private enum Tick implements Command {
    ANNOUNCE,
    SWEEP,
    PULL_RETRY,
    ROUTED_PULL_RETRY,
    PROBE,
    DRAIN_DEADLINE
  }

  private record Running(ActorRef<RunnerActor.Command> runner, SettleOnce item) {}

  /**
   * A worker starting a fresh container for every activation, or taking it from a warm pool when
   * {@code settings.pool().enabled()}.
   */
  public static Behavior<Command> create(
      WorkerSettings settings, WorkSource source, ContainerRuntime runtime, ActivationStore store) {
    return create(settings, source, runtime, store, Clock.systemUTC(), PoolListener.NONE);
  }

  /**
   * As above, with the pool's figures told to {@code listener} (for gauges) when it has a pool.
   */
  public static Behavior<Command> create(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ActivationStore store,
      Clock clock,
      PoolListener listener) {
    return create(settings, source, runtime, store, clock, listener, EngineListener.NONE);
  }

  /** As above, with the engine's health told to {@code engineListener} (for readiness). */
  public static Behavior<Command> create(
      WorkerSettings settings,
      WorkSource source,
      ContainerRuntime runtime,
      ActivationStore store,
      Clock clock,
      PoolListener listener,
      EngineListener engineListener) {
    if (!settings.pool().enabled()) {
      return Behaviors.setup(
          ctx ->
              Behaviors.withTimers(
                  timers ->
                      new WorkerActor(ctx, timers, settings, source, runtime,
                          new ColdContainerSource(runtime), store, clock, null, engineListener)
                          .start()));
    }
    return Behaviors.setup(
        ctx -> {
          PooledContainerSource pooled =
              PooledContainerSource.spawn(ctx, settings, runtime, clock, listener);
          return Behaviors.withTimers(
              timers ->
                  new WorkerActor(ctx, timers, settings, source, runtime, pooled, store, clock,
                      pooled.pool(), engineListener)
                      .start());
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
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new WorkerActor(
                            ctx, timers, settings, source, runtime, containers, store, clock, null,
                            EngineListener.NONE)
                        .start()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final WorkerSettings settings;
  private final WorkSource source;
  private final ContainerRuntime runtime;
  private final RunnerPorts runnerPorts;
  private final Clock clock;
  private final ActorRef<RunnerActor.Finished> finishedAdapter;
  private final ActorRef<WarmPool.Command> pool;
  private final EngineListener engineListener;
  private final Map<String, Running> running = new HashMap<>();
  private boolean pulling;
  /** How many items the shared pull in flight may bring (what was free when it was made). */
  private int pullingMax;
  private boolean pullingRouted;
  private long spawned;
  /** The last engine check passed; nothing is pulled or announced otherwise. */
  private boolean engineOk;
  /** No check has answered yet: the first answer is told, whatever it is. */
  private boolean engineUnchecked = true;
  /** The engine failed a check since it last passed one (not merely: none has passed yet). */
  private boolean engineLost;
  private boolean probing;
  /** A pull failed and none has worked since: the failure was logged. */
  private boolean pullsFailing;
  /** Set by {@link Drain}: no pull, no announcement from then on. */
  private ActorRef<Drained> drainReplyTo;
  private int drainRunning;
  private int drainStopped;

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
    this.engineListener = engineListener;
    this.runnerPorts =
        new RunnerPorts(
            settings.workerId(), settings.platformName(), containers, store, settings.runner(),
            clock);
    this.finishedAdapter =
        context.messageAdapter(RunnerActor.Finished.class, f -> new RunnerFinished(f.activationId()));
  }

  private Behavior<Command> start() {
    context.getLog().info("Worker [{}] starting with [{}] slots: removing its leftovers",
        settings.workerId(), settings.slots());
    context.pipeToSelf(attempt(() -> runtime.removeOrphans(settings.workerId())), CleanedUp::new);
    probe();
    timers.startTimerAtFixedRate(Tick.PROBE, Tick.PROBE, settings.probeInterval());
    return startingUp();
  }

  private Behavior<Command> startingUp() {
    return Behaviors.receive(Command.class)
        .onMessage(CleanedUp.class, this::onCleanedUp)
        .onMessage(Probed.class, p -> onProbed(p, false))
        .onMessageEquals(Tick.PROBE, this::probe)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(PoolControl.class, this::onPoolControl)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(PoolDrained.class, this::onPoolDrained)
        .build();
  }

  /** Checks the engine, one check at a time, each failing at {@code probeTimeout}. */
  private Behavior<Command> probe() {
    if (!probing) {
      probing = true;
      context.pipeToSelf(
          attempt(runtime::probe)
              .thenApply(v -> Done.getInstance())
              .toCompletableFuture()
              .orTimeout(settings.probeTimeout().toMillis(), TimeUnit.MILLISECONDS),
          (ok, failure) -> new Probed(failure));
    }
    return Behaviors.same();
  }

  /**
   * Takes the engine's check into account; {@code working}: the worker is past its start-up
   * cleanup and may pull.
   */
  private Behavior<Command> onProbed(Probed probed, boolean working) {
    probing = false;
    boolean ok = probed.failure() == null;
    if (ok == engineOk && !engineUnchecked) {
      return Behaviors.same();
    }
    engineUnchecked = false;
    engineOk = ok;
    if (!ok) {
      engineLost = true;
      String why = describe(probed.failure());
      context.getLog().warn("Worker [{}] cannot start containers ([{}]): taking no work until it"
          + " can", settings.workerId(), why);
      engineListener.changed(false, "no container could be started: " + why);
      return Behaviors.same();
    }
    engineListener.changed(true, "");
    if (!engineLost) {
      context.getLog().info("Worker [{}] engine checked: containers start", settings.workerId());
      return working ? resume() : Behaviors.same();
    }
    context.getLog().info("Worker [{}] can start containers again: removing what the outage"
        + " left, then taking work", settings.workerId());
    context.pipeToSelf(attempt(() -> runtime.removeOrphans(settings.workerId())), Recovered::new);
    return Behaviors.same();
  }

  private Behavior<Command> onRecovered(Recovered recovered) {
    if (recovered.failure() != null) {
      context.getLog().warn("Worker [{}] could not remove what the outage left: [{}]",
          settings.workerId(), recovered.failure().toString());
    } else if (recovered.removed() > 0) {
      context.getLog().info("Worker [{}] removed [{}] containers the outage left",
          settings.workerId(), recovered.removed());
    }
    return engineOk ? resume() : Behaviors.same();
  }

  /** Announces itself and pulls, as the engine can run what it takes. */
  private Behavior<Command> resume() {
    announceWithPool();
    pullRoutedIfFree();
    return pullIfFree();
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return "the check did not answer in time";
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private Behavior<Command> onCleanedUp(CleanedUp cleanedUp) {
    if (cleanedUp.failure() != null) {
      context.getLog().warn("Worker [{}] could not remove its leftovers: [{}]",
          settings.workerId(), cleanedUp.failure().toString());
    } else if (cleanedUp.removed() > 0) {
      context.getLog().info("Worker [{}] removed [{}] containers of its previous run",
          settings.workerId(), cleanedUp.removed());
    }
    sweep();
    timers.startTimerAtFixedRate(Tick.ANNOUNCE, Tick.ANNOUNCE, settings.announceInterval());
    timers.startTimerAtFixedRate(Tick.SWEEP, Tick.SWEEP, settings.sweepInterval());
    if (engineOk) {
      resume();
    }
    return working();
  }

  private Behavior<Command> working() {
    return Behaviors.receive(Command.class)
        .onMessage(Pulled.class, this::onPulled)
        .onMessage(
            PullFailed.class,
            failed -> {
              pulling = false;
              pullFailed("pull", failed.failure());
              timers.startSingleTimer(Tick.PULL_RETRY, settings.pullRetry());
              return Behaviors.same();
            })
        .onMessageEquals(Tick.PULL_RETRY, () -> pullIfFree())
        .onMessage(RoutedPulled.class, this::onRoutedPulled)
        .onMessage(
            RoutedPullFailed.class,
            failed -> {
              pullingRouted = false;
              pullFailed("pull of routed work", failed.failure());
              timers.startSingleTimer(Tick.ROUTED_PULL_RETRY, settings.pullRetry());
              return Behaviors.same();
            })
        .onMessageEquals(Tick.ROUTED_PULL_RETRY, this::pullRoutedIfFree)
        .onMessage(
            PoolStatsArrived.class,
            s -> {
              announce(warmFunctions(s.stats()));
              return Behaviors.same();
            })
        .onMessage(RunnerFinished.class, f -> onRunnerGone(f.activationId(), false))
        .onMessage(RunnerStopped.class, s -> onRunnerGone(s.activationId(), true))
        .onMessageEquals(
            Tick.ANNOUNCE,
            () -> {
              announceWithPool();
              return Behaviors.same();
            })
        .onMessageEquals(
            Tick.SWEEP,
            () -> {
              sweep();
              return Behaviors.same();
            })
        .onMessage(Swept.class, this::onSwept)
        .onMessage(Probed.class, p -> onProbed(p, true))
        .onMessage(Recovered.class, this::onRecovered)
        .onMessageEquals(Tick.PROBE, this::probe)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(PoolControl.class, this::onPoolControl)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(PoolDrained.class, this::onPoolDrained)
        .onMessageEquals(Tick.DRAIN_DEADLINE, this::onDrainDeadline)
        .build();
  }

  private boolean draining() {
    return drainReplyTo != null;
  }

  private Behavior<Command> onDrain(Drain drain) {
    if (draining()) {
      drain.replyTo().tell(new Drained(0, 0, 0));
      return Behaviors.same();
    }
    drainReplyTo = drain.replyTo();
    drainRunning = running.size();
    context.getLog().info("Worker [{}] draining: taking no more work, [{}] activations running,"
        + " [{}] to finish", settings.workerId(), running.size(), drain.timeout());
    timers.cancel(Tick.ANNOUNCE);
    timers.cancel(Tick.PULL_RETRY);
    timers.cancel(Tick.ROUTED_PULL_RETRY);
    timers.startSingleTimer(Tick.DRAIN_DEADLINE, drain.timeout());
    return drainedWhenIdle();
  }

  private Behavior<Command> onDrainDeadline() {
    if (running.isEmpty()) {
      return Behaviors.same();
    }
    context.getLog().warn("Worker [{}] drain time over: stopping [{}] activations still running",
        settings.workerId(), running.size());
    for (Running r : running.values()) {
      drainStopped++;
      r.runner().tell(RunnerActor.Stop.INSTANCE);
    }
    return Behaviors.same();
  }

  /** Once nothing runs any more, empties the pool; {@link PoolDrained} then answers the drain. */
  private Behavior<Command> drainedWhenIdle() {
    if (!draining() || !running.isEmpty()) {
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
    if (drainReplyTo != null) {
      int finished = Math.max(0, drainRunning - drainStopped);
      context.getLog().info("Worker [{}] drained: [{}] activations finished, [{}] stopped, [{}]"
              + " idle containers removed", settings.workerId(), finished, drainStopped,
          poolDrained.drained().removed());
      drainReplyTo.tell(new Drained(finished, drainStopped, poolDrained.drained().removed()));
    }
    return Behaviors.same();
  }

  private int free() {
    return settings.slots() - running.size();
  }

  private Behavior<Command> pullIfFree() {
    int free = free();
    if (engineOk && !draining() && !pulling && free > 0) {
      pulling = true;
      pullingMax = free;
      context.pipeToSelf(
          attempt(() -> source.pull(free, settings.pullWait())),
          (items, failure) -> failure == null ? new Pulled(items) : new PullFailed(failure));
    }
    return Behaviors.same();
  }

  /**
   * One routed item at a time, and only while the two pulls in flight together cannot bring more
   * than one item over the slots: the shared pull may bring as many items as were free when it
   * was made, so once a routed item has taken one of those places, the next routed pull waits for
   * the shared one to end (seen in a soak: a second routed item over the slots, dropped).
   */
  private Behavior<Command> pullRoutedIfFree() {
    boolean withinOneOver = !pulling || pullingMax <= free();
    if (engineOk && !draining() && source.routes() && !pullingRouted && free() > 0
        && withinOneOver) {
      pullingRouted = true;
      context.pipeToSelf(
          attempt(() -> source.pullRouted(1, settings.pullWait())),
          (items, failure) ->
              failure == null ? new RoutedPulled(items) : new RoutedPullFailed(failure));
    }
    return Behaviors.same();
  }

  /**
   * Logs a failed pull once per outage (they are retried every {@code pullRetry}, and a NATS
   * outage would otherwise log one a second); the next pull that works says it is over.
   */
  private void pullFailed(String which, Throwable failure) {
    if (!pullsFailing) {
      pullsFailing = true;
      context.getLog().warn("Worker [{}] {} failed: [{}]; retrying every [{}]",
          settings.workerId(), which, failure.toString(), settings.pullRetry());
    } else {
      context.getLog().debug("Worker [{}] {} failed again: [{}]", settings.workerId(), which,
          failure.toString());
    }
  }

  private void pullWorked() {
    if (pullsFailing) {
      pullsFailing = false;
      context.getLog().info("Worker [{}] pulls work again", settings.workerId());
    }
  }

  private Behavior<Command> onPulled(Pulled pulled) {
    pulling = false;
    pullWorked();
    for (WorkItem item : pulled.items()) {
      take(item);
    }
    pullRoutedIfFree();
    return pullIfFree();
  }

  private Behavior<Command> onRoutedPulled(RoutedPulled pulled) {
    pullingRouted = false;
    pullWorked();
    for (WorkItem item : pulled.items()) {
      take(item);
    }
    pullIfFree();
    return pullRoutedIfFree();
  }

  private void take(WorkItem item) {
    ActivationRequest request = item.request();
    String id = request.activationId();
    if (running.containsKey(id)) {
      // A redelivery (its ack wait ran out before the runner's first progress report): its
      // runner settles the one message; dropping this copy would tell the caller it was lost.
      // Its ack wait ran out before its runner's first progress report, or NATS handed out again
      // what was pending when it restarted: its runner settles the one message.
      context.getLog().warn("Activation [{}] delivered again while it runs here, ignored", id);
    } else if (item.deliveryCount() > 1) {
      context.getLog().warn("Activation [{}] redelivered ([{}]): its worker was lost, dropping it",
          id, item.deliveryCount());
      drop(item, "the worker that took it was lost; it is never run twice");
    } else if (clock.instant().isAfter(request.acceptBy())) {
      context.getLog().info("Activation [{}] pulled after its accept deadline, dropping it", id);
      drop(item, "no worker took it in time");
    } else if (free() < (source.routes() ? 0 : 1)) {
      // With routing, the shared pull (up to the free slots) and the routed pull (one) may both
      // be answered: one place over the slots, whichever came second.
      context.getLog().error("Activation [{}] pulled without a free slot, dropping it", id);
      drop(item, "the worker had no free slot");
    } else {
      SettleOnce guarded = new SettleOnce(item);
      guarded.reply(new WorkerEvent.Accepted(id, settings.workerId()));
      ActorRef<RunnerActor.Command> runner =
          context.spawn(
              RunnerActor.create(guarded, clock.instant(), runnerPorts, finishedAdapter),
              "runner-" + id + "-" + (++spawned));
      context.watchWith(runner, new RunnerStopped(id));
      running.put(id, new Running(runner, guarded));
    }
  }

  private void drop(WorkItem item, String reason) {
    attempt(item::drop)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                ASYNC_LOG.warn("Activation [{}] could not be dropped: [{}]",
                    item.request().activationId(), failure.toString());
              }
            });
    item.reply(new WorkerEvent.Dropped(item.request().activationId(), reason, settings.workerId()));
  }

  private Behavior<Command> onRunnerGone(String id, boolean stopped) {
    Running gone = running.remove(id);
    if (gone == null) {
      return Behaviors.same();
    }
    if (!stopped) {
      context.unwatch(gone.runner());
    } else if (!gone.item().isSettled() || !gone.item().isAnswered()) {
      context.getLog().error("Runner of activation [{}] stopped before finishing it", id);
      ActivationRecord record =
          ActivationRecords.platformError(gone.item().request(), settings.workerId(),
              clock.instant());
      attempt(() -> runnerPorts.store().put(record));
      attempt(gone.item()::ack);
      gone.item().reply(new WorkerEvent.Completed(id, record));
      removeContainerOf(id);
    } else {
      removeContainerOf(id);
    }
    if (draining()) {
      return drainedWhenIdle();
    }
    pullRoutedIfFree();
    return pullIfFree();
  }

  private void removeContainerOf(String id) {
    attempt(
            () ->
                runtime.removeLabelled(
                    Map.of(
                        ContainerSpec.PLATFORM_LABEL, settings.platformName(),
                        ContainerSpec.ACTIVATION_LABEL, id)))
        .whenComplete(
            (n, failure) -> {
              if (failure != null) {
                ASYNC_LOG.warn("Container of activation [{}] not removed: [{}]", id,
                    failure.toString());
              }
            });
  }

  private void announce() {
    announce(Set.of());
  }

  /** Announces with the pool's warm functions, once the pool has answered (if there is one). */
  private void announceWithPool() {
    if (!engineOk || draining()) {
      return;
    }
    if (pool == null) {
      announce();
      return;
    }
    context.pipeToSelf(
        AskPattern.<WarmPool.Command, PoolStats>ask(
            pool, WarmPool.GetStats::new, settings.announceInterval(),
            context.getSystem().scheduler()),
        (stats, failure) -> new PoolStatsArrived(failure == null ? stats : PoolStats.empty()));
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

  private void announce(Set<String> warmFunctions) {
    if (!engineOk || draining()) {
      return;
    }
    try {
      source.announce(settings.workerId(), Math.max(0, free()), warmFunctions);
    } catch (RuntimeException e) {
      context.getLog().warn("Worker [{}] could not announce itself: [{}]", settings.workerId(),
          e.toString());
    }
  }

  /**
   * Removes what no live worker holds (among it, what a killed worker left on this engine) and
   * whatever is older than any activation can last.
   */
  private void sweep() {
    context.pipeToSelf(
        attempt(() -> runtime.removeOrphans(settings.workerId()))
            .thenCombine(
                attempt(
                    () ->
                        runtime.removeOlderThan(
                            Map.of(ContainerSpec.PLATFORM_LABEL, settings.platformName()),
                            settings.sweepAge())),
                Integer::sum),
        Swept::new);
  }

  private Behavior<Command> onSwept(Swept swept) {
    if (swept.failure() != null) {
      context.getLog().warn("Worker [{}] sweep failed: [{}]", settings.workerId(),
          swept.failure().toString());
    } else if (swept.removed() > 0) {
      context.getLog().warn("Worker [{}] swept [{}] stale containers", settings.workerId(),
          swept.removed());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo()
        .tell(
            new Status(settings.workerId(), settings.slots(), free(), Set.copyOf(running.keySet()),
                pulling));
    return Behaviors.same();
  }

  private Behavior<Command> onPoolControl(PoolControl control) {
    WarmPool.Command command;
    if (control instanceof FunctionChanged c) {
      command = new WarmPool.FunctionChanged(c.owner(), c.name());
    } else if (control instanceof FunctionRemoved r) {
      command = new WarmPool.FunctionRemoved(r.owner(), r.name());
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

  private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
    try {
      CompletionStage<T> stage = call.get();
      return stage != null ? stage : CompletableFuture.failedFuture(new NullPointerException());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
