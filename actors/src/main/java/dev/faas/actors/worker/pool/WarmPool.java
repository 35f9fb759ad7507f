package dev.faas.actors.worker.pool;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.worker.WorkerSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's untouched containers, started ahead of time per {@link PoolKey}, each blocked
 * reading its stdin.
 *
 * <p>Contract with the worker and its runners (through {@link PooledContainerSource}):
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
 *       gone, and so are the containers whose start was in flight; from then on every acquisition is {@link Cold} and nothing is pre-started. Stopping
 *       or restarting the pool also removes its idle containers.
 * </ol>
 */
public final class WarmPool {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(WarmPool.class);
  private static final AtomicLong LEASES = new AtomicLong();

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
  public record FunctionChanged(String owner, String name) implements Command {}

  /** The function was deleted: its pools are emptied. */
  public record FunctionRemoved(String owner, String name) implements Command {}

  /** The worker is stopping: remove every idle container, pre-start nothing more. */
  public record Drain(ActorRef<Drained> replyTo) implements Command {}

  public record Drained(int removed) {}

  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * The pool's figures.
   *
   * @param idle untouched containers ready now
   * @param starting pre-starts in flight
   * @param busy acquisitions (warm or cold) whose activation is not over
   * @param keys per key, busiest first
   * @param started pre-starts that succeeded
   * @param handedOut acquisitions answered warm
   * @param missed acquisitions answered cold
   * @param replacedAfterDeath idle containers that exited while waiting
   * @param recycled idle containers removed for their age
   * @param retired idle containers removed because demand fell
   * @param invalidated idle containers removed because their function changed or went away
   * @param startFailures pre-starts that failed or timed out
   * @param drained true once drained
   */
  public record Stats(
      int idle,
      int starting,
      int busy,
      List<KeyStats> keys,
      long started,
      long handedOut,
      long missed,
      long replacedAfterDeath,
      long recycled,
      long retired,
      long invalidated,
      long startFailures,
      boolean drained) {

    public Stats {
      keys = List.copyOf(keys);
    }

    /** The figures of a worker without a pool. */
    public static Stats empty() {
      return new Stats(0, 0, 0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, false);
    }
  }

  /**
   * One key's figures.
   *
   * @param pool the key's hash, as on its containers' {@link PoolKey#POOL_LABEL} label
   * @param functions the functions ({@code owner.name}) that used the key
   */
  public record KeyStats(
      String pool, String image, List<String> functions, int idle, int starting, int busy,
      int target) {

    public KeyStats {
      functions = List.copyOf(functions);
    }
  }

  private record Started(Ticket ticket, Container container, Throwable failure)
      implements Command {}

  private record StartTimedOut(Ticket ticket) implements Command {}

  private record IdleExited(PoolKey key, String containerId) implements Command {}

  private record DrainFinished(int removed, ActorRef<Drained> replyTo) implements Command {}

  /** A container whose start was in flight at the drain is gone. */
  private enum LateRemoved implements Command {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  /** The longest wait of deferred pre-starts is over: see {@link PoolSettings#startDefer()}. */
  private enum DeferEnd implements Command {
    INSTANCE
  }

  /** One pre-start in flight; compared by identity, also across restarts of the pool. */
  private static final class Ticket {
    final KeyPool pool;
    final Instant requestedAt;

    Ticket(KeyPool pool, Instant requestedAt) {
      this.pool = pool;
      this.requestedAt = requestedAt;
    }
  }

  /**
   * A worker's pool, with the worker's labels, slots and sweep age and its {@code pool()}
   * settings.
   */
  public static Behavior<Command> create(
      WorkerSettings worker, ContainerRuntime runtime, Clock clock, PoolListener listener) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new WarmPool(ctx, timers, worker, runtime, clock, listener).active()));
  }

  /** Answers what needs an answer when a worker has no pool: cold, empty, nothing to drain. */
  public static void answerWithoutPool(Command command) {
    if (command instanceof Acquire acquire) {
      acquire.replyTo().tell(new Cold(0));
    } else if (command instanceof GetStats get) {
      get.replyTo().tell(Stats.empty());
    } else if (command instanceof Drain drain) {
      drain.replyTo().tell(new Drained(0));
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final PoolSettings settings;
  private final PoolSizing.Bounds bounds;
  private final String workerId;
  private final String platformName;
  private final Duration sweepAge;
  private final Duration runTail;
  private final ContainerRuntime runtime;
  private final Clock clock;
  private final PoolListener listener;
  private final Map<PoolKey, KeyPool> keys = new LinkedHashMap<>();
  private final Map<String, Set<PoolKey>> keysByFunction = new HashMap<>();
  private final Set<Ticket> pending = new HashSet<>();
  private long started;
  private long handedOut;
  private long missed;
  private long replacedAfterDeath;
  private long recycled;
  private long retired;
  private long invalidated;
  private long startFailures;
  private boolean drained;
  /** Pre-starts wait for the activations in flight to end, or for {@link DeferEnd}. */
  private boolean deferring;
  /** Set while the reconcile after {@link DeferEnd} runs: its starts wait no longer. */
  private boolean deferOver;
  /** While a drain waits for its idle removals and for the starts that were in flight. */
  private ActorRef<Drained> drainReplyTo;
  private int drainRemoved;
  private boolean drainIdleGone;
  private int drainLateRemovals;
  private Stats published;

  private WarmPool(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      WorkerSettings worker,
      ContainerRuntime runtime,
      Clock clock,
      PoolListener listener) {
    this.context = context;
    context.setLoggerName(WarmPool.class);
    this.timers = timers;
    this.settings = worker.pool();
    this.bounds = PoolSizing.Bounds.of(settings, worker.slots());
    this.workerId = worker.workerId();
    this.platformName = worker.platformName();
    this.sweepAge = worker.sweepAge();
    // After its timeout a runner kills, waits up to killGrace, then removes; a tick of slack
    // covers the lag of the pool's own clock checks.
    this.runTail =
        worker.runner().killGrace().plus(worker.runner().removeTimeout()).plus(settings.tick());
    this.runtime = runtime;
    this.clock = clock;
    this.listener = listener;
    timers.startTimerAtFixedRate(Tick.INSTANCE, Tick.INSTANCE, settings.tick());
  }

  private Behavior<Command> active() {
    return Behaviors.receive(Command.class)
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Released.class, this::onReleased)
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartTimedOut.class, this::onStartTimedOut)
        .onMessage(IdleExited.class, this::onIdleExited)
        .onMessage(FunctionChanged.class, c -> invalidate(c.owner(), c.name(), "changed"))
        .onMessage(FunctionRemoved.class, r -> invalidate(r.owner(), r.name(), "removed"))
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(DeferEnd.INSTANCE, this::onDeferEnd)
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(Drain.class, this::onDrain)
        .onSignal(PostStop.class, s -> removeAllIdle("the pool stopped"))
        .onSignal(PreRestart.class, s -> removeAllIdle("the pool restarts"))
        .build();
  }

  private Behavior<Command> drainedState() {
    return Behaviors.receive(Command.class)
        .onMessage(
            Acquire.class,
            a -> {
              a.replyTo().tell(new Cold(0));
              return Behaviors.same();
            })
        .onMessage(
            Started.class,
            s -> {
              pending.remove(s.ticket());
              timers.cancel(s.ticket());
              if (s.container() != null) {
                drainRemoved++;
                drainLateRemovals++;
                context.pipeToSelf(
                    removeQuietly(s.container(), "started after the drain")
                        .thenApply(v -> Done.getInstance()),
                    (ok, failure) -> LateRemoved.INSTANCE);
              }
              return answerDrainWhenDone();
            })
        .onMessageEquals(
            LateRemoved.INSTANCE,
            () -> {
              drainLateRemovals--;
              return answerDrainWhenDone();
            })
        .onMessage(
            StartTimedOut.class,
            t -> {
              pending.remove(t.ticket());
              return answerDrainWhenDone();
            })
        .onMessage(
            DrainFinished.class,
            d -> {
              drainIdleGone = true;
              return answerDrainWhenDone();
            })
        .onMessage(
            Drain.class,
            d -> {
              d.replyTo().tell(new Drained(0));
              return Behaviors.same();
            })
        .onMessage(GetStats.class, this::onGetStats)
        .onAnyMessage(ignored -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onAcquire(Acquire acquire) {
    Instant now = clock.instant();
    KeyPool pool =
        keys.computeIfAbsent(acquire.key(), k -> new KeyPool(k, LEASES.incrementAndGet()));
    // FunctionSpec.key(): owner.name, as the invalidations name it.
    String function = acquire.function().key();
    pool.functions.add(function);
    keysByFunction.computeIfAbsent(function, f -> new HashSet<>()).add(acquire.key());
    pool.demand.arrive(now);
    Duration longestRun = Duration.ofMillis(acquire.function().timeoutMs()).plus(runTail);
    KeyPool.Idle chosen = null;
    while (chosen == null && !pool.idle.isEmpty()) {
      KeyPool.Idle oldest = pool.takeOldest();
      if (oldest.exited().get()) {
        died(pool, oldest, now);
      } else if (!PoolSizing.fitsBeforeSweep(
          Duration.between(oldest.createdAt(), now), longestRun, sweepAge)) {
        recycled++;
        removeQuietly(oldest.container(), "too old to run [" + function + "] before the sweep");
      } else {
        chosen = oldest;
      }
    }
    if (chosen != null) {
      handedOut++;
      pool.failures = 0;
      context.getLog().debug("Pool [{}]: container [{}] handed out for [{}]", pool.hash,
          chosen.container().id(), function);
      acquire.replyTo().tell(new Warm(chosen.container(), pool.lease));
    } else {
      missed++;
      acquire.replyTo().tell(new Cold(pool.lease));
    }
    reconcile(now);
    return same();
  }

  private Behavior<Command> onReleased(Released released) {
    KeyPool pool = keys.get(released.key());
    if (pool != null && pool.lease == released.lease()) {
      pool.demand.release();
    }
    if (deferring && inFlight() == 0) {
      // The last activation is over: what waited for it starts now.
      timers.cancel(DeferEnd.INSTANCE);
      deferring = false;
      reconcile(clock.instant());
    }
    return same();
  }

  private Behavior<Command> onDeferEnd() {
    deferring = false;
    deferOver = true;
    try {
      reconcile(clock.instant());
    } finally {
      deferOver = false;
    }
    return same();
  }

  /** Activations holding a container acquired here (warm or cold) that have not ended. */
  private int inFlight() {
    int n = 0;
    for (KeyPool pool : keys.values()) {
      n += pool.demand.inFlight();
    }
    return n;
  }

  /**
   * False while pre-starts should wait: activations are running on this worker and the deferral
   * they started has not run out (see {@link PoolSettings#startDefer()}).
   */
  private boolean mayStartNow() {
    if (deferOver || settings.startDefer().isZero() || inFlight() == 0) {
      return true;
    }
    if (!deferring) {
      deferring = true;
      timers.startSingleTimer(DeferEnd.INSTANCE, DeferEnd.INSTANCE, settings.startDefer());
    }
    return false;
  }

  private Behavior<Command> onStarted(Started started) {
    Ticket ticket = started.ticket();
    boolean awaited = pending.remove(ticket);
    timers.cancel(ticket);
    KeyPool pool = ticket.pool;
    if (!awaited || keys.get(pool.key) != pool) {
      removeQuietly(started.container(), "started after its key was emptied or timed out");
      return same();
    }
    pool.starting--;
    Instant now = clock.instant();
    Throwable failure = started.failure();
    if (failure == null && started.container() == null) {
      failure = new NullPointerException("start completed without a container");
    }
    if (failure != null) {
      failed(pool, unwrap(failure), now);
    } else {
      this.started++;
      KeyPool.Idle idle =
          new KeyPool.Idle(started.container(), ticket.requestedAt, new AtomicBoolean());
      pool.idle.put(idle.container().id(), idle);
      watchExit(pool.key, idle);
    }
    reconcile(now);
    return same();
  }

  private Behavior<Command> onStartTimedOut(StartTimedOut timedOut) {
    Ticket ticket = timedOut.ticket();
    KeyPool pool = ticket.pool;
    if (pending.remove(ticket) && keys.get(pool.key) == pool) {
      pool.starting--;
      Instant now = clock.instant();
      failed(pool, new ContainerFailure("no container within " + settings.startTimeout(), null),
          now);
      reconcile(now);
    }
    return same();
  }

  private Behavior<Command> onIdleExited(IdleExited exited) {
    KeyPool pool = keys.get(exited.key());
    KeyPool.Idle idle = pool == null ? null : pool.idle.remove(exited.containerId());
    if (idle != null) {
      Instant now = clock.instant();
      context.getLog().info("Pool [{}]: idle container [{}] exited, replacing it", pool.hash,
          exited.containerId());
      died(pool, idle, now);
      reconcile(now);
    }
    return same();
  }

  private Behavior<Command> onTick() {
    Instant now = clock.instant();
    for (KeyPool pool : keys.values()) {
      pool.idle.values().removeIf(
          idle -> {
            if (Duration.between(idle.createdAt(), now).compareTo(settings.maxIdleAge()) < 0) {
              return false;
            }
            recycled++;
            removeQuietly(idle.container(), "older than maxIdleAge");
            return true;
          });
    }
    reconcile(now);
    return same();
  }

  private Behavior<Command> invalidate(String owner, String name, String why) {
    String function = owner + "." + name;
    Set<PoolKey> used = keysByFunction.remove(function);
    if (used == null) {
      return same();
    }
    int removed = 0;
    for (PoolKey key : used) {
      KeyPool pool = keys.remove(key);
      if (pool == null) {
        continue;
      }
      forgetFunctions(pool);
      for (KeyPool.Idle idle : pool.idle.values()) {
        removed++;
        removeQuietly(idle.container(), "function " + why);
      }
    }
    invalidated += removed;
    context.getLog().info("Function [{}] {}: [{}] idle containers removed", function, why,
        removed);
    reconcile(clock.instant());
    return same();
  }

  private Behavior<Command> onGetStats(GetStats get) {
    get.replyTo().tell(stats());
    return Behaviors.same();
  }

  private Behavior<Command> onDrain(Drain drain) {
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (KeyPool pool : keys.values()) {
      for (KeyPool.Idle idle : pool.idle.values()) {
        removals.add(removeQuietly(idle.container(), "drained").toCompletableFuture());
      }
    }
    keys.clear();
    keysByFunction.clear();
    timers.cancel(Tick.INSTANCE);
    drained = true;
    context.getLog().info("Pool of worker [{}] drained: removing [{}] idle containers", workerId,
        removals.size());
    int removed = removals.size();
    // Answered once the idle ones are gone and every start in flight has arrived and gone too
    // (or timed out): a container still starting must not outlive the engine's connection.
    drainReplyTo = drain.replyTo();
    drainRemoved = removed;
    drainIdleGone = false;
    context.pipeToSelf(
        CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
            .thenApply(v -> Done.getInstance()),
        (ok, failure) -> new DrainFinished(removed, drain.replyTo()));
    publish();
    return drainedState();
  }

  /** Brings every key to its target: surplus removed first, then starts within the bounds. */
  private void reconcile(Instant now) {
    Map<PoolKey, PoolSizing.Demand> demands = new LinkedHashMap<>();
    for (KeyPool pool : keys.values()) {
      demands.put(pool.key, pool.demand.demand(now, settings.window(), settings.startLatency()));
    }
    LinkedHashMap<PoolKey, Integer> targets = PoolSizing.targets(demands, now, bounds);
    int held = 0;
    int starting = 0;
    for (Map.Entry<PoolKey, Integer> target : targets.entrySet()) {
      KeyPool pool = keys.get(target.getKey());
      pool.target = target.getValue();
      // Starts in flight are not cancelled: whatever arrives beyond the target goes then.
      while (pool.idle.size() > pool.target) {
        retired++;
        removeQuietly(pool.takeOldest().container(), "more than the key's target");
      }
      held += pool.held();
      starting += pool.starting;
    }
    boolean mayStart = true;
    for (KeyPool pool : orderedBy(targets)) {
      if (pool.held() >= pool.target || now.isBefore(pool.retryAt)) {
        continue;
      }
      mayStart = mayStart && mayStartNow();
      if (!mayStart) {
        break;
      }
      int room =
          Math.min(pool.target - pool.held(),
              Math.min(settings.maxStarting() - starting, settings.maxIdleTotal() - held));
      for (int i = 0; i < room; i++) {
        start(pool, now);
        starting++;
        held++;
      }
    }
    keys.values().removeIf(
        pool -> {
          boolean forgotten =
              pool.held() == 0
                  && pool.demand.inFlight() == 0
                  && PoolSizing.wanted(demands.get(pool.key), now, bounds) == 0;
          if (forgotten) {
            forgetFunctions(pool);
          }
          return forgotten;
        });
  }

  private List<KeyPool> orderedBy(LinkedHashMap<PoolKey, Integer> targets) {
    List<KeyPool> ordered = new ArrayList<>(targets.size());
    for (PoolKey key : targets.keySet()) {
      ordered.add(keys.get(key));
    }
    return ordered;
  }

  private void start(KeyPool pool, Instant now) {
    Ticket ticket = new Ticket(pool, now);
    pending.add(ticket);
    pool.starting++;
    timers.startSingleTimer(ticket, new StartTimedOut(ticket), settings.startTimeout());
    ContainerSpec spec = pool.key.spec(platformName, workerId);
    context.pipeToSelf(
        attempt(() -> runtime.start(spec)),
        (container, failure) -> new Started(ticket, container, failure));
  }

  /** Notes a failed pre-start of {@code pool}'s key and when to try again. */
  private void failed(KeyPool pool, Throwable failure, Instant now) {
    startFailures++;
    pool.failures++;
    Duration pause =
        failure instanceof ContainerFailure.ImageNotFound
            ? settings.backoffMax()
            : PoolSizing.backoff(pool.failures, settings.backoffMin(), settings.backoffMax());
    pool.retryAt = now.plus(pause);
    context.getLog().warn("Pool [{}]: pre-start failed ([{}] in a row), next in [{}]: [{}]",
        pool.hash, pool.failures, pause, failure.toString());
  }

  /** An idle container whose process exited: removed, counted as a failure of its key. */
  private void died(KeyPool pool, KeyPool.Idle idle, Instant now) {
    replacedAfterDeath++;
    pool.failures++;
    pool.retryAt =
        now.plus(PoolSizing.backoff(pool.failures, settings.backoffMin(), settings.backoffMax()));
    removeQuietly(idle.container(), "exited while idle");
  }

  private void watchExit(PoolKey key, KeyPool.Idle idle) {
    ActorRef<Command> self = context.getSelf();
    String id = idle.container().id();
    // A watch that fails leaves the container's state unknown: it is treated as dead.
    attempt(() -> idle.container().exit())
        .whenComplete(
            (exit, failure) -> {
              idle.exited().set(true);
              self.tell(new IdleExited(key, id));
            });
  }

  private void forgetFunctions(KeyPool pool) {
    for (String function : pool.functions) {
      Set<PoolKey> used = keysByFunction.get(function);
      if (used != null) {
        used.remove(pool.key);
        if (used.isEmpty()) {
          keysByFunction.remove(function);
        }
      }
    }
  }

  private Behavior<Command> removeAllIdle(String why) {
    for (KeyPool pool : keys.values()) {
      for (KeyPool.Idle idle : pool.idle.values()) {
        removeQuietly(idle.container(), why);
      }
      pool.idle.clear();
    }
    return Behaviors.same();
  }

  private CompletionStage<Void> removeQuietly(Container container, String why) {
    if (container == null) {
      return CompletableFuture.completedFuture(null);
    }
    return attempt(container::remove)
        .handle(
            (ok, failure) -> {
              if (failure != null) {
                ASYNC_LOG.warn("Pooled container [{}] ({}) not removed: [{}]", container.id(),
                    why, unwrap(failure).toString());
              }
              return null;
            });
  }

  private Behavior<Command> answerDrainWhenDone() {
    if (drainReplyTo != null && drainIdleGone && pending.isEmpty() && drainLateRemovals == 0) {
      drainReplyTo.tell(new Drained(drainRemoved));
      drainReplyTo = null;
    }
    return Behaviors.same();
  }

  private Behavior<Command> same() {
    publish();
    return Behaviors.same();
  }

  private void publish() {
    Stats now = stats();
    if (!now.equals(published)) {
      published = now;
      try {
        listener.changed(now);
      } catch (RuntimeException e) {
        context.getLog().warn("Pool listener failed: [{}]", e.toString());
      }
    }
  }

  private Stats stats() {
    List<KeyStats> perKey = new ArrayList<>(keys.size());
    int idle = 0;
    int starting = 0;
    int busy = 0;
    for (KeyPool pool : keys.values()) {
      perKey.add(new KeyStats(pool.hash, pool.key.image(), List.copyOf(pool.functions),
          pool.idle.size(), pool.starting, pool.demand.inFlight(), pool.target));
      idle += pool.idle.size();
      starting += pool.starting;
      busy += pool.demand.inFlight();
    }
    return new Stats(idle, starting, busy, perKey, started, handedOut, missed, replacedAfterDeath,
        recycled, retired, invalidated, startFailures, drained);
  }

  /** A port's call as a stage, a synchronous throw or a null included. */
  private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
    try {
      CompletionStage<T> stage = call.get();
      return stage != null ? stage : CompletableFuture.failedFuture(new NullPointerException());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
