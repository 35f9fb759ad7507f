package dev.faas.node;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.AsyncAttempt;
import dev.faas.actors.activation.AsyncBacklog;
import dev.faas.actors.activation.AsyncBacklog.Queued;
import dev.faas.actors.activation.AsyncIds;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.activation.CallbackQueue;
import dev.faas.actors.activation.CallbackStatus;
import dev.faas.actors.engine.AsyncSteps;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.LimitReached;
import dev.faas.actors.outcome.Outcome;
import dev.faas.http.Invoker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs waiting asynchronous activations (docs/decisions/0020). One API node at a time
 * dispatches: the holder of the lease ({@link AsyncBacklog#lease}); every claim is also a
 * compare-and-set on the record, so a node that lost its lease without knowing it cannot run an
 * activation another node has claimed.
 *
 * <p>Each attempt goes through the synchronous path ({@link SupervisorInvoker#invokeAs}): the
 * same node permit, per-user and per-function permits and bounded queue, so a waiting activation
 * holds no place of any limit, and a running one holds exactly what a synchronous one does. At
 * most {@code FAAS_ASYNC_CONCURRENCY} run at once; users take turns (round robin over the users
 * with something waiting), so one user's long backlog delays another's call by a round at most.
 *
 * <p>Everything here runs on the dispatcher's one thread: blocking NATS calls (each bounded by
 * the request timeout) and its bookkeeping, never on an actor's dispatcher.
 */
final class AsyncDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AsyncDispatcher.class);
  static final Duration TICK = Duration.ofMillis(250);
  /** How long a user (or everybody) waits after a limit refused one of theirs. */
  static final Duration REFUSED_PAUSE = Duration.ofMillis(200);
  /** A message whose record is missing this long (its submitter died first) gets one made. */
  static final Duration ORPHAN_MESSAGE = Duration.ofSeconds(30);
  /** The most messages of one user looked at per turn, past those running or backing off. */
  private static final int SCAN = 64;

  /** Runs one attempt. */
  interface Attempts {
    /** Runs {@code call} as activation {@code attemptId}. */
    CompletionStage<Outcome> run(String attemptId, Invoker.Invocation call);

    /** The longest an attempt of a function with {@code timeoutMs} may stay unanswered. */
    Duration budget(int timeoutMs);
  }

  private final AsyncBacklog backlog;
  private final CallbackQueue callbacks;
  private final BiFunction<String, String, Optional<Versioned<FunctionSpec>>> functions;
  private final Attempts attempts;
  private final AsyncConfig config;
  private final String nodeId;
  private final Clock clock;
  private final AsyncGauges gauges;
  private final ScheduledExecutorService loop;
  private final AtomicBoolean wakePending = new AtomicBoolean();

  // The loop thread's own state.
  private final Map<Long, String> running = new HashMap<>(); // sequence → owner
  private final Map<Long, Instant> notBefore = new HashMap<>();
  private final Map<String, Instant> pausedOwners = new HashMap<>();
  private Instant pausedAll = Instant.MIN;
  private String lastOwner = "";
  private boolean leader;

  /**
   * @param callbacks where a final activation's completion callback goes (docs/decisions/0026)
   * @param functions a function by owner and name, from the node's cache (read through on a miss)
   */
  AsyncDispatcher(
      AsyncBacklog backlog,
      CallbackQueue callbacks,
      BiFunction<String, String, Optional<Versioned<FunctionSpec>>> functions,
      Attempts attempts,
      AsyncConfig config,
      String nodeId,
      Clock clock,
      AsyncGauges gauges) {
    this.backlog = backlog;
    this.callbacks = callbacks;
    this.functions = functions;
    this.attempts = attempts;
    this.config = config;
    this.nodeId = nodeId;
    this.clock = clock;
    this.gauges = gauges;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "faas-async-dispatcher");
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    loop.scheduleWithFixedDelay(this::tickQuietly, TICK.toMillis(), TICK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Looks at the backlog soon (a submission, an attempt's end). */
  void wake() {
    if (wakePending.compareAndSet(false, true)) {
      try {
        loop.execute(
            () -> {
              wakePending.set(false);
              tickQuietly();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed
      }
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.debug("Async dispatch round failed: [{}]", e.toString());
    }
  }

  private void tick() {
    boolean holds = backlog.lease(nodeId);
    if (holds != leader) {
      log.info("Async dispatcher lease {} by node [{}]", holds ? "taken" : "lost", nodeId);
      leader = holds;
    }
    if (!holds) {
      gauges.notDispatching();
      return;
    }
    Map<String, Long> waiting = backlog.waiting();
    Instant now = clock.instant();
    Map<String, Integer> runningByOwner = new HashMap<>();
    running.values().forEach(o -> runningByOwner.merge(o, 1, Integer::sum));
    TreeSet<String> candidates = new TreeSet<>();
    long total = 0;
    for (Map.Entry<String, Long> e : waiting.entrySet()) {
      total += e.getValue();
      if (e.getValue() > runningByOwner.getOrDefault(e.getKey(), 0)
          && !pausedOwners.getOrDefault(e.getKey(), Instant.MIN).isAfter(now)) {
        candidates.add(e.getKey());
      }
    }
    gauges.backlog(total - running.size(), running.size());
    Instant oldest = null;
    while (running.size() < config.concurrency()
        && !candidates.isEmpty()
        && !pausedAll.isAfter(now)) {
      String owner = candidates.higher(lastOwner);
      owner = owner == null ? candidates.first() : owner;
      lastOwner = owner;
      Optional<Queued> next = nextOf(owner, now);
      if (next.isEmpty()) {
        candidates.remove(owner);
        continue;
      }
      Instant queuedAt = next.get().request().queuedAt();
      oldest = oldest == null || queuedAt.isBefore(oldest) ? queuedAt : oldest;
      if (!dispatch(next.get(), now)) {
        candidates.remove(owner); // nothing more of theirs this round
      }
      if (pausedOwners.getOrDefault(owner, Instant.MIN).isAfter(now)) {
        candidates.remove(owner);
      }
    }
    gauges.oldest(oldest == null ? oldestWaiting(candidates, now) : oldest, now);
    notBefore.values().removeIf(t -> !t.isAfter(now.minusSeconds(600)));
  }

  private Instant oldestWaiting(TreeSet<String> owners, Instant now) {
    Instant oldest = null;
    for (String owner : owners) {
      Optional<Queued> q = nextOf(owner, now);
      if (q.isPresent()
          && (oldest == null || q.get().request().queuedAt().isBefore(oldest))) {
        oldest = q.get().request().queuedAt();
      }
    }
    return oldest;
  }

  /** The owner's oldest message not running here and not backing off. */
  private Optional<Queued> nextOf(String owner, Instant now) {
    long from = 1;
    for (int i = 0; i < SCAN; i++) {
      Optional<Queued> q = backlog.next(owner, from);
      if (q.isEmpty()) {
        return q;
      }
      long seq = q.get().sequence();
      if (!running.containsKey(seq) && !notBefore.getOrDefault(seq, Instant.MIN).isAfter(now)) {
        return q;
      }
      from = seq + 1;
    }
    return Optional.empty();
  }

  /**
   * Starts an attempt of {@code q} when its record says it may run now; false when it did not
   * (not yet, another node's, done already).
   */
  private boolean dispatch(Queued q, Instant now) {
    String owner = q.request().owner();
    String id = q.request().activationId();
    Optional<Versioned<ActivationRecord>> found = backlog.read(owner, id);
    if (found.isEmpty()) {
      if (q.request().queuedAt().plus(ORPHAN_MESSAGE).isBefore(now)) {
        // Its submitter died between the backlog and the record: the message is the truth.
        backlog.create(AsyncSteps.queued(q.request(), config.retries(), 0));
      }
      notBefore.put(q.sequence(), now.plusSeconds(1));
      return false;
    }
    ActivationRecord record = found.get().value();
    long revision = found.get().revision();
    if (record.status().isFinal() || record.async() == null) {
      // Final before its message went: a dispatcher died between the two (its callback may not
      // be queued yet either; the queue drops a second one of the same activation).
      if (queueCallback(record, q, now)) {
        backlog.remove(q.sequence());
      }
      return false;
    }
    if (record.status() == ActivationStatus.RUNNING) {
      return adopt(q, record, revision, now);
    }
    if (record.async().notBefore() != null && record.async().notBefore().isAfter(now)) {
      notBefore.put(q.sequence(), record.async().notBefore());
      return false;
    }
    Optional<Versioned<FunctionSpec>> function = functions.apply(owner, record.function());
    int number = record.async().attempts().size() + 1;
    String attemptId = AsyncIds.attempt(id, number);
    ActivationRecord claimed = AsyncSteps.running(record, number, attemptId, now);
    long claimedRevision;
    try {
      claimedRevision = backlog.update(claimed, revision);
    } catch (AsyncBacklog.Conflict e) {
      notBefore.put(q.sequence(), now.plusSeconds(1));
      return false; // another node's now
    }
    if (function.isEmpty()) {
      settle(q, claimed, claimedRevision,
          new Outcome.Failed(attemptId, FailureKind.PLATFORM_ERROR, null, null), false);
      return true;
    }
    running.put(q.sequence(), owner);
    AsyncRequest request = q.request();
    attempts
        .run(
            attemptId,
            new Invoker.Invocation(
                function.get(), request.input(), request.startedBy(), request.requestId(),
                request.trace()))
        .whenComplete(
            (outcome, failure) ->
                loop.execute(
                    () ->
                        settle(q, claimed, claimedRevision,
                            failure == null
                                ? outcome
                                : new Outcome.Unavailable(attemptId,
                                    "the activation engine failed"),
                            true)));
    return true;
  }

  /**
   * A record {@code running} that this node is not running: its dispatcher died or lost the
   * lease. Its attempt's own record says how it ended; with none past the attempt's longest
   * budget, the attempt is lost (a platform fault: retried).
   */
  private boolean adopt(Queued q, ActivationRecord record, long revision, Instant now) {
    AsyncAttempt last = record.async().last();
    Optional<Versioned<ActivationRecord>> attempt =
        backlog.read(record.owner(), last.activationId());
    Outcome outcome = null;
    if (attempt.isPresent() && attempt.get().value().status().isFinal()) {
      ActivationRecord r = attempt.get().value();
      outcome =
          switch (r.status()) {
            case SUCCESS -> new Outcome.Succeeded(r);
            case TIMEOUT -> new Outcome.TimedOut(r.activationId(), r);
            default -> new Outcome.Failed(r);
          };
    } else {
      int timeoutMs =
          functions
              .apply(record.owner(), record.function())
              .map(f -> f.value().timeoutMs())
              .orElse(0);
      Instant deadline = last.startedAt().plus(attempts.budget(timeoutMs));
      if (deadline.isAfter(now)) {
        Instant later = now.plusSeconds(2);
        notBefore.put(q.sequence(), deadline.isBefore(later) ? deadline : later);
        return false;
      }
      outcome = new Outcome.Failed(last.activationId(), FailureKind.WORKER_LOST, null, null);
    }
    log.info("Activation [{}] adopted after its dispatcher went: attempt [{}] ended [{}]",
        record.activationId(), last.number(), outcome.getClass().getSimpleName());
    settle(q, record, revision, outcome, false);
    return true;
  }

  /** Writes what {@code outcome} makes of the record; on the loop thread. */
  private void settle(
      Queued q, ActivationRecord claimed, long revision, Outcome outcome, boolean ours) {
    if (ours) {
      running.remove(q.sequence());
    }
    Instant now = clock.instant();
    AsyncSteps.Step step = AsyncSteps.after(claimed, outcome, now);
    try {
      backlog.update(step.record(), revision);
      if (step instanceof AsyncSteps.Done done) {
        gauges.finished(done.record().status());
        try {
          backlog.index(done.record());
        } catch (RuntimeException e) {
          log.warn("Activation [{}] final but not listed: [{}]", claimed.activationId(),
              e.toString());
        }
        if (queueCallback(done.record(), q, now)) {
          backlog.remove(q.sequence());
        }
      } else if (step instanceof AsyncSteps.Retry retry) {
        gauges.retried(retry.platform());
        notBefore.put(q.sequence(), retry.record().async().notBefore());
      } else if (step instanceof AsyncSteps.Refused refused) {
        Instant until = now.plus(REFUSED_PAUSE);
        if (refused.limit() == LimitReached.CLUSTER) {
          pausedAll = until;
        } else {
          pausedOwners.put(claimed.owner(), until);
        }
      }
    } catch (AsyncBacklog.Conflict e) {
      log.info("Activation [{}] changed by another node meanwhile; its outcome left to it",
          claimed.activationId());
    } catch (RuntimeException e) {
      // The record still says running: whoever dispatches next adopts it from its attempt's
      // record.
      log.warn("Activation [{}]: its outcome could not be written yet: [{}]",
          claimed.activationId(), e.toString());
      notBefore.put(q.sequence(), now.plusSeconds(1));
    }
    if (ours) {
      wake();
    }
  }

  /**
   * Queues the callback of final {@code record}, if it asked for one not settled yet; false when
   * it could not be queued: the message stays, and the next look tries again.
   */
  private boolean queueCallback(ActivationRecord record, Queued q, Instant now) {
    CallbackStatus callback = record.async() == null ? null : record.async().callback();
    if (callback == null || callback.settled()) {
      return true;
    }
    try {
      callbacks.enqueue(
          new CallbackQueue.Task(record.owner(), record.activationId(), callback.url()));
      return true;
    } catch (RuntimeException e) {
      log.warn("Activation [{}]: its callback could not be queued yet: [{}]",
          record.activationId(), e.toString());
      notBefore.put(q.sequence(), now.plusSeconds(5));
      return false;
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
