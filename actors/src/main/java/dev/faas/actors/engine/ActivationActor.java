package dev.faas.actors.engine;

import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.engine.MissingWord.Why;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.outcome.Outcome.Rejected;
import dev.faas.actors.outcome.Outcome.Unavailable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One synchronous activation on the API node, from admission to its caller's answer.
 *
 * <p>Contract with its parent ({@link ActivationSupervisor}) and its caller:
 *
 * <ol>
 *   <li>It answers exactly one {@link Outcome}, through the {@link OnceReply} its parent made, on
 *       every path; if it crashes instead, the parent answers through the same object.
 *   <li>It holds at most one node permit from the {@link NodeLimiter} and releases it before it
 *       stops, whatever the path (the limiter also watches it, for crashes).
 *   <li>It listens for its worker's events only between submit and its answer, and closes the
 *       listener before it stops.
 *   <li>It stops itself after answering. The queue's place is freed by the worker's ack, or by a
 *       withdraw here while no worker has taken the request. A caller that goes away is not told
 *       to it (the HTTP layer cannot see it go): the activation runs to its end and is recorded.
 *   <li>Routing (docs/decisions/0005): when the queue names a live worker holding pre-started
 *       containers for the function, the request goes to that worker alone, with an {@code
 *       acceptBy} of {@code routeTimeout}. If that worker drops it, or has not taken it {@code
 *       routeGrace} after that, the request is withdrawn and queued once more for any worker,
 *       with the activation's own {@code acceptBy}.
 *   <li>Missing word (docs/decisions/0009): silence counts against the worker only while this
 *       node's own link to the transport stayed up for the whole heartbeat timeout; otherwise the
 *       watchdog waits for the link, up to the result deadline. Before answering that the worker
 *       was lost, or that no result came by the deadline, it reads the activation's record: an
 *       outcome the worker recorded is the answer. It answers "worker lost" (503) only when the
 *       record is known to be absent, and a timeout (504) when nothing could be read.
 * </ol>
 *
 * <p>States: admitting (node permit, live workers, submit) → awaitingWorker (until {@code
 * acceptTimeout}) → running (heartbeat watchdog, deadline {@code timeoutMs + resultGrace}) →
 * consulting (the record, when the worker's word went missing).
 */
public final class ActivationActor {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(ActivationActor.class);
  private static final int STASH_CAPACITY = 64;
  /** Between two reads of the record while they fail (NATS reconnecting). */
  static final Duration LOOKUP_RETRY = Duration.ofMillis(250);

  public sealed interface Command {}

  private record PermitReply(NodeLimiter.Reply reply) implements Command {}

  private record Submitted(long ticket) implements Command {}

  private record SubmitFailed(Throwable failure) implements Command {}

  private record EventArrived(WorkerEvent event) implements Command {}

  private enum AcceptDeadline implements Command {
    INSTANCE
  }

  /** The worker the request was routed to has not taken it: queue it for any worker. */
  private enum RouteDeadline implements Command {
    INSTANCE
  }

  private enum WorkerSilent implements Command {
    INSTANCE
  }

  /** While the request waits for a worker: is any worker still alive to take it? */
  private enum WorkersCheck implements Command {
    INSTANCE
  }

  /** How often a waiting request checks that some worker is alive to take it. */
  static final Duration WORKERS_CHECK = Duration.ofSeconds(1);

  private enum ResultDeadline implements Command {
    INSTANCE
  }

  private record LookedUp(Optional<ActivationRecord> record) implements Command {}

  private record LookupFailed(Throwable failure) implements Command {}

  private enum LookupRetry implements Command {
    INSTANCE
  }

  /** No record could be read in time after the result deadline: the outcome is unknown. */
  private enum LookupDeadline implements Command {
    INSTANCE
  }

  static Behavior<Command> create(
      String activationId,
      FunctionSpec function,
      long revision,
      byte[] input,
      OnceReply reply,
      EnginePorts ports) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        STASH_CAPACITY,
                        stash ->
                            new ActivationActor(
                                    ctx, timers, stash, activationId, function, revision, input,
                                    reply, ports)
                                .start())));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final String id;
  private final FunctionSpec function;
  private final long revision;
  private final byte[] input;
  private final OnceReply reply;
  private final EnginePorts ports;
  private final Instant acceptBy;
  private boolean permitHeld;
  private AutoCloseable listener;
  /** When the request was first submitted; a routed request's fallback keeps it. */
  private Instant submittedAt;
  /** The worker the pending submit is routed to; null once it is queued for any worker. */
  private String routedTo;
  /** The worker a first submit was routed to, kept after falling back: its late word is stale. */
  private String routedFirst;
  /** This node's link when the heartbeat watchdog was last armed. */
  private Link watchedFrom = Link.UP;
  private boolean waitingForLink;
  private boolean lookupInFlight;

  private ActivationActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      String id,
      FunctionSpec function,
      long revision,
      byte[] input,
      OnceReply reply,
      EnginePorts ports) {
    this.context = context;
    context.setLoggerName(ActivationActor.class);
    this.timers = timers;
    this.stash = stash;
    this.id = id;
    this.function = function;
    this.revision = revision;
    this.input = input;
    this.reply = reply;
    this.ports = ports;
    this.acceptBy = ports.clock().instant().plus(ports.settings().acceptTimeout());
  }

  private Behavior<Command> start() {
    // One deadline covers the permit, the submit and the wait for a worker: it is acceptBy.
    timers.startSingleTimer(AcceptDeadline.INSTANCE, ports.settings().acceptTimeout());
    ports
        .limiter()
        .tell(
            new NodeLimiter.Acquire(
                context.getSelf(),
                context.messageAdapter(NodeLimiter.Reply.class, PermitReply::new)));
    return admitting();
  }

  private Behavior<Command> admitting() {
    return receive()
        .onMessage(PermitReply.class, this::onPermit)
        .onMessageEquals(
            AcceptDeadline.INSTANCE,
            () -> finish(new Unavailable(id, "the node did not admit the activation in time")))
        .build();
  }

  private Behavior<Command> onPermit(PermitReply permit) {
    if (permit.reply() instanceof NodeLimiter.Refused) {
      context.getLog().info("Activation [{}] refused: this node is at its limit", id);
      return finish(new Rejected(id));
    }
    permitHeld = true;
    try {
      if (!ports.queue().link().connected()) {
        context.getLog().info("Activation [{}] unavailable: this node is not connected to NATS", id);
        return finish(new Unavailable(id, "the activation queue cannot be reached"));
      }
      if (ports.queue().liveWorkers() == 0) {
        context.getLog().info("Activation [{}] unavailable: no worker is running", id);
        return finish(new Unavailable(id, "no worker is running"));
      }
      ActorRef<Command> self = context.getSelf();
      listener = ports.queue().listen(id, event -> self.tell(new EventArrived(event)));
    } catch (RuntimeException e) {
      context.getLog().warn("Activation [{}] unavailable: the queue failed", id, e);
      return finish(new Unavailable(id, "the activation queue cannot be reached"));
    }
    submittedAt = ports.clock().instant();
    String warm;
    try {
      warm = ports.queue().warmWorker(function).orElse(null);
    } catch (RuntimeException e) {
      warm = null;
    }
    return submit(warm, CompletableFuture.completedFuture(null));
  }

  /**
   * Queues the request once {@code after} completes: for {@code worker} alone, or for any worker
   * when it is null.
   */
  private Behavior<Command> submit(String worker, CompletionStage<?> after) {
    routedTo = worker;
    if (worker != null) {
      routedFirst = worker;
    }
    Instant now = ports.clock().instant();
    Instant attemptAcceptBy = acceptBy;
    if (worker != null) {
      Instant routedBy = now.plus(ports.settings().routeTimeout());
      attemptAcceptBy = routedBy.isBefore(acceptBy) ? routedBy : acceptBy;
      timers.startSingleTimer(
          RouteDeadline.INSTANCE,
          ports.settings().routeTimeout().plus(ports.settings().routeGrace()));
    }
    ActivationRequest request =
        new ActivationRequest(
            id, function, revision, input, submittedAt, attemptAcceptBy,
            ports.replyToFor().apply(id));
    CompletionStage<Long> submitted =
        after.toCompletableFuture().isDone()
            ? queue(request, worker)
            : after.handle((ok, failure) -> null).thenCompose(v -> queue(request, worker));
    context.pipeToSelf(
        submitted,
        (ticket, failure) -> failure == null ? new Submitted(ticket) : new SubmitFailed(failure));
    return submitting();
  }

  private CompletionStage<Long> queue(ActivationRequest request, String worker) {
    try {
      return worker == null
          ? ports.queue().submit(request)
          : ports.queue().submit(request, worker);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The worker the request was routed to did not take it: withdraw it (its place is free again
   * before the second submit asks for one) and queue it for any worker.
   */
  private Behavior<Command> fallBack(long ticket, String why) {
    context.getLog().info("Activation [{}] routed to worker [{}] but {}: queueing it for any worker",
        id, routedTo, why);
    timers.cancel(RouteDeadline.INSTANCE);
    return submit(null, withdraw(ticket));
  }

  /**
   * A drop by the worker a first submit was routed to, after the request was queued for any
   * worker: it pulled its copy late, and says nothing about the one queued now.
   */
  private boolean isLateFromRoutedWorker(WorkerEvent.Dropped dropped) {
    return routedTo == null && routedFirst != null && routedFirst.equals(dropped.worker());
  }

  private Behavior<Command> submitting() {
    return receive()
        .onMessage(Submitted.class, s -> stash.unstashAll(awaitingWorker(s.ticket())))
        .onMessage(SubmitFailed.class, this::onSubmitFailed)
        .onMessageEquals(
            AcceptDeadline.INSTANCE,
            () -> finish(new Unavailable(id, "the activation queue did not answer in time")))
        // A worker may answer before the submit's own acknowledgement arrives.
        .onAnyMessage(this::stashed)
        .build();
  }

  private Behavior<Command> stashed(Command command) {
    if (stash.isFull()) {
      context.getLog().warn("Activation [{}] dropped [{}] while submitting", id, command);
    } else {
      stash.stash(command);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSubmitFailed(SubmitFailed failed) {
    Throwable cause = unwrap(failed.failure());
    if (cause instanceof AdmissionRefused.Full) {
      context.getLog().info("Activation [{}] refused: the cluster is at its limit", id);
      return finish(new Rejected(id));
    }
    if (routedTo != null) {
      context.getLog().info("Activation [{}] could not be routed to worker [{}]: [{}]", id,
          routedTo, cause.toString());
      timers.cancel(RouteDeadline.INSTANCE);
      return submit(null, CompletableFuture.completedFuture(null));
    }
    context.getLog().warn("Activation [{}] unavailable: [{}]", id, cause.toString());
    String reason =
        cause instanceof AdmissionRefused.Unavailable
            ? cause.getMessage()
            : "the activation queue cannot be reached";
    return finish(new Unavailable(id, reason));
  }

  private Behavior<Command> awaitingWorker(long ticket) {
    timers.startTimerAtFixedRate(WorkersCheck.INSTANCE, WORKERS_CHECK);
    return receive()
        .onMessage(EventArrived.class, e -> onEventWhileAwaiting(e.event(), ticket))
        .onMessageEquals(WorkersCheck.INSTANCE, () -> onWorkersCheck(ticket))
        .onMessageEquals(
            RouteDeadline.INSTANCE,
            () -> routedTo == null ? Behaviors.same() : fallBack(ticket, "it did not take it"))
        .onMessageEquals(
            AcceptDeadline.INSTANCE,
            () -> {
              context.getLog().info("Activation [{}] not taken by any worker in time", id);
              withdraw(ticket);
              return finish(new Unavailable(id, "no worker took the activation in time"));
            })
        .build();
  }

  /**
   * The last live worker went away (stopped, or its engine cannot start containers) while the
   * request waited: nobody will take it, so it is withdrawn and answered now rather than at
   * {@code acceptTimeout}.
   */
  private Behavior<Command> onWorkersCheck(long ticket) {
    int live;
    try {
      live = ports.queue().liveWorkers();
    } catch (RuntimeException e) {
      return Behaviors.same(); // the queue's own failures are answered where they happen
    }
    if (live > 0) {
      return Behaviors.same();
    }
    context.getLog().info("Activation [{}] unavailable: no worker is running any more", id);
    withdraw(ticket);
    return finish(new Unavailable(id, "no worker is running"));
  }

  private Behavior<Command> onEventWhileAwaiting(WorkerEvent event, long ticket) {
    if (event instanceof WorkerEvent.Completed completed) {
      return finishWith(completed.record());
    }
    if (event instanceof WorkerEvent.Dropped dropped && routedTo != null) {
      return fallBack(ticket, "it dropped it: " + dropped.reason());
    }
    if (event instanceof WorkerEvent.Dropped dropped && isLateFromRoutedWorker(dropped)) {
      return Behaviors.same();
    }
    if (event instanceof WorkerEvent.Dropped dropped) {
      context.getLog().info("Activation [{}] dropped by a worker: [{}]", id, dropped.reason());
      return finish(
          new Unavailable(id, "no worker could take the activation: " + dropped.reason()));
    }
    if (event instanceof WorkerEvent.Accepted accepted) {
      context.getLog().debug("Activation [{}] taken by worker [{}]", id, accepted.worker());
    }
    // A heartbeat whose Accepted went missing still says a worker has it.
    timers.cancel(WorkersCheck.INSTANCE);
    timers.cancel(AcceptDeadline.INSTANCE);
    timers.cancel(RouteDeadline.INSTANCE);
    armWatchdog(link());
    timers.startSingleTimer(
        ResultDeadline.INSTANCE,
        Duration.ofMillis(function.timeoutMs()).plus(ports.settings().resultGrace()));
    return running();
  }

  private Behavior<Command> running() {
    return receive()
        .onMessage(EventArrived.class, e -> onEventWhileRunning(e.event()))
        .onMessageEquals(WorkerSilent.INSTANCE, this::onSilence)
        .onMessageEquals(
            ResultDeadline.INSTANCE,
            () -> {
              context.getLog().warn("Activation [{}]: no result by its deadline, reading its record",
                  id);
              return consulting(Why.DEADLINE);
            })
        // A read started before the worker was heard again: a record found is still the answer.
        .onMessage(
            LookedUp.class,
            found -> {
              lookupInFlight = false;
              return found.record().map(this::finishWith).orElse(Behaviors.same());
            })
        .onMessage(
            LookupFailed.class,
            failed -> {
              lookupInFlight = false;
              return Behaviors.same();
            })
        .onMessageEquals(LookupRetry.INSTANCE, Behaviors::same)
        .build();
  }

  private Behavior<Command> onEventWhileRunning(WorkerEvent event) {
    if (event instanceof WorkerEvent.Completed completed) {
      return finishWith(completed.record());
    }
    if (event instanceof WorkerEvent.Dropped dropped) {
      // A copy handed out again (its ack wait ran out) and dropped by the worker that got it.
      // After a NATS outage that happens while the first worker still runs it: only that
      // worker's silence says it was lost.
      if (!isLateFromRoutedWorker(dropped)) {
        context.getLog().info("Activation [{}]: a copy was dropped by a worker: [{}]", id,
            dropped.reason());
      }
      return Behaviors.same();
    }
    armWatchdog(link());
    return Behaviors.same();
  }

  /** (Re)starts the heartbeat watchdog, remembering the link it watches over. */
  private void armWatchdog(Link from) {
    watchedFrom = from;
    timers.startSingleTimer(WorkerSilent.INSTANCE, ports.settings().heartbeatTimeout());
  }

  private Behavior<Command> onSilence() {
    Link now = link();
    if (!MissingWord.silenceIsEvidence(watchedFrom, now)) {
      if (!waitingForLink) {
        waitingForLink = true;
        context.getLog().info("Activation [{}]: no word from its worker while this node's NATS"
            + " link was {}: waiting for the link", id, now.connected() ? "interrupted" : "down");
      }
      armWatchdog(now);
      return Behaviors.same();
    }
    context.getLog().warn("Activation [{}]: its worker stopped answering, reading its record", id);
    return consulting(Why.SILENT);
  }

  /**
   * Reads the activation's record, again while reads fail, and answers from it ({@link
   * MissingWord}). After silence the result deadline bounds it; after the result deadline,
   * {@code recordLookup}.
   */
  private Behavior<Command> consulting(Why why) {
    timers.cancel(WorkerSilent.INSTANCE);
    if (why == Why.DEADLINE) {
      timers.cancel(ResultDeadline.INSTANCE);
      timers.startSingleTimer(LookupDeadline.INSTANCE, ports.settings().recordLookup());
    }
    lookUp();
    return receive()
        .onMessage(
            LookedUp.class,
            found -> {
              lookupInFlight = false;
              Outcome outcome = MissingWord.answer(id, why, found.record());
              if (found.record().isPresent()) {
                context.getLog().info("Activation [{}]: its worker's word was lost, its record"
                    + " says [{}]", id, found.record().get().status());
              }
              return finish(outcome);
            })
        .onMessage(
            LookupFailed.class,
            failed -> {
              lookupInFlight = false;
              context.getLog().debug("Activation [{}]: its record could not be read: [{}]", id,
                  unwrap(failed.failure()).toString());
              timers.startSingleTimer(LookupRetry.INSTANCE, LOOKUP_RETRY);
              return Behaviors.same();
            })
        .onMessageEquals(
            LookupRetry.INSTANCE,
            () -> {
              lookUp();
              return Behaviors.same();
            })
        .onMessage(EventArrived.class, e -> onEventWhileConsulting(e.event(), why))
        .onMessageEquals(
            ResultDeadline.INSTANCE,
            () -> why == Why.SILENT ? consulting(Why.DEADLINE) : Behaviors.same())
        .onMessageEquals(
            LookupDeadline.INSTANCE,
            () -> {
              context.getLog().warn("Activation [{}]: outcome unknown, no record could be read"
                  + " within [{}]", id, ports.settings().recordLookup());
              return finish(MissingWord.unknown(id));
            })
        .onMessageEquals(WorkerSilent.INSTANCE, Behaviors::same)
        .build();
  }

  private Behavior<Command> onEventWhileConsulting(WorkerEvent event, Why why) {
    if (event instanceof WorkerEvent.Completed completed) {
      return finishWith(completed.record());
    }
    if (event instanceof WorkerEvent.Dropped || why == Why.DEADLINE) {
      return Behaviors.same();
    }
    context.getLog().info("Activation [{}]: its worker was heard again", id);
    timers.cancel(LookupRetry.INSTANCE);
    armWatchdog(link());
    return running();
  }

  private void lookUp() {
    if (lookupInFlight) {
      return;
    }
    lookupInFlight = true;
    CompletionStage<Optional<ActivationRecord>> read;
    try {
      read =
          ports
              .records()
              .get(function.owner(), id)
              .toCompletableFuture()
              .orTimeout(ports.settings().recordLookup().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(
        read,
        (record, failure) ->
            failure == null
                ? new LookedUp(record == null ? Optional.empty() : record)
                : new LookupFailed(failure));
  }

  private Link link() {
    try {
      return ports.queue().link();
    } catch (RuntimeException e) {
      return new Link(false, watchedFrom.changes() + 1);
    }
  }

  private Behavior<Command> finishWith(ActivationRecord record) {
    return finish(MissingWord.of(record));
  }

  private Behavior<Command> finish(Outcome outcome) {
    if (reply.send(outcome)) {
      context.getLog().debug("Activation [{}] answered [{}]", id, outcome.getClass().getSimpleName());
    }
    return Behaviors.stopped(this::cleanUp);
  }

  /** Withdraws the request of {@code ticket}; a failure is logged. Completes when it is done. */
  private CompletionStage<Void> withdraw(long ticket) {
    CompletionStage<Void> withdrawn;
    try {
      withdrawn = ports.queue().withdraw(ticket);
    } catch (RuntimeException e) {
      withdrawn = CompletableFuture.failedFuture(e);
    }
    return withdrawn.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            ASYNC_LOG.warn("Activation [{}] could not be withdrawn: [{}]", id, failure.toString());
          }
        });
  }

  /** Runs on every way out, a crash included; safe to run twice. */
  private void cleanUp() {
    if (listener != null) {
      try {
        listener.close();
      } catch (Exception e) {
        context.getLog().warn("Activation [{}]: closing its listener failed", id, e);
      }
      listener = null;
    }
    if (permitHeld) {
      ports.limiter().tell(new NodeLimiter.Release(context.getSelf()));
      permitHeld = false;
    }
  }

  private BehaviorBuilder<Command> receive() {
    return Behaviors.receive(Command.class)
        .onSignal(
            PostStop.class,
            signal -> {
              cleanUp();
              return Behaviors.same();
            });
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
