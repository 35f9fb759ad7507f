package dev.faas.actors.engine;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.engine.ActivationActor.AcceptDeadline;
import dev.faas.actors.engine.ActivationActor.Command;
import dev.faas.actors.engine.ActivationActor.EventArrived;
import dev.faas.actors.engine.ActivationActor.Held;
import dev.faas.actors.outcome.Outcome.Rejected;
import dev.faas.actors.outcome.Outcome.Unavailable;
import dev.faas.actors.routing.Routing.Route;
import dev.faas.actors.trace.SpanNames;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of an {@link ActivationActor}'s life between admission and a worker taking the
 * request: the submit on its {@link Route} (to the warm worker, or for any worker), the fallback
 * when the routed worker does not take it, and the wait for a worker until {@code acceptBy}.
 * Same actor, same messages: this class holds only the behaviour methods of the states
 * submitting and awaitingWorker, each given the route as it is now.
 */
final class ActivationSubmit {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(ActivationActor.class);

  /**
   * Submit now that the permit and the listener are held: sent to itself, so that the submit runs
   * in the behaviour that knows it holds them (a crash there releases them).
   */
  enum SubmitFirst implements Command {
    INSTANCE
  }

  record Submitted(long ticket) implements Command {}

  record SubmitFailed(Throwable failure) implements Command {}

  /** The worker the request was routed to has not taken it: queue it for any worker. */
  enum RouteDeadline implements Command {
    INSTANCE
  }

  /** While the request waits for a worker: is any worker still alive to take it? */
  enum WorkersCheck implements Command {
    INSTANCE
  }

  private final ActivationActor a;
  private final Held held;

  ActivationSubmit(ActivationActor activation, Held held) {
    this.a = activation;
    this.held = held;
  }

  /** The first submit, on {@code route}. */
  Behavior<Command> first(Route route) {
    a.context.getSelf().tell(SubmitFirst.INSTANCE);
    return submitting(route);
  }

  /** Queues the request on {@code route} once {@code after} completes. */
  private Behavior<Command> submit(Route route, CompletionStage<?> after) {
    Instant now = a.ports.clock().instant();
    if (route.routed()) {
      a.timers.startSingleTimer(
          RouteDeadline.INSTANCE,
          a.ports.settings().routeTimeout().plus(a.ports.settings().routeGrace()));
    }
    ActivationRequest request =
        new ActivationRequest(
            a.id, a.call.function(), a.call.revision(), a.call.input(), route.submittedAt(),
            route.acceptBy(now, a.acceptBy, a.ports.settings().routeTimeout()),
            a.ports.replyToFor().apply(a.id),
            a.call.startedBy(),
            a.call.requestId(),
            TraceContext.NONE); // the publish span's context is added when it is published
    CompletionStage<Long> submitted =
        after.toCompletableFuture().isDone()
            ? published(request, route)
            : after.handle((ok, failure) -> null).thenCompose(v -> published(request, route));
    a.context.pipeToSelf(
        submitted,
        (ticket, failure) -> failure == null ? new Submitted(ticket) : new SubmitFailed(failure));
    return submitting(route);
  }

  /**
   * {@link #queue}d in a publish span, whose context the request carries to the worker: the
   * worker's spans are its children.
   */
  private CompletionStage<Long> published(ActivationRequest untraced, Route route) {
    TraceSpan publish =
        a.ports.tracing()
            .start(SpanNames.PUBLISH, TraceSpan.Kind.PRODUCER, a.call.trace())
            .set(SpanNames.ACTIVATION_ID, a.id);
    if (route.routed()) {
      publish.set(SpanNames.ROUTED_TO, route.to());
    }
    CompletionStage<Long> submitted = queue(untraced.withTrace(publish.context()), route);
    submitted.whenComplete(
        (ticket, failure) -> {
          if (failure != null) {
            publish.fail(Stages.unwrap(failure).toString());
          }
          publish.end();
        });
    return submitted;
  }

  private CompletionStage<Long> queue(ActivationRequest request, Route route) {
    return Stages.attempt(
        () ->
            route.routed()
                ? a.ports.queue().submit(request, route.to())
                : a.ports.queue().submit(request));
  }

  /**
   * The worker the request was routed to did not take it: withdraw it (its place is free again
   * before the second submit asks for one) and queue it for any worker.
   */
  private Behavior<Command> fallBack(Route route, long ticket, String why) {
    a.context.getLog().info("Activation [{}] routed to worker [{}] but {}: queueing it for any"
        + " worker", a.id, route.to(), why);
    a.timers.cancel(RouteDeadline.INSTANCE);
    return submit(route.fallBack(), withdraw(ticket));
  }

  private Behavior<Command> submitting(Route route) {
    return a.receive(held)
        .onMessageEquals(
            SubmitFirst.INSTANCE, () -> submit(route, CompletableFuture.completedFuture(null)))
        .onMessage(
            Submitted.class, s -> a.stash.unstashAll(awaitingWorker(route, s.ticket())))
        .onMessage(SubmitFailed.class, failed -> onSubmitFailed(failed, route))
        .onMessageEquals(
            AcceptDeadline.INSTANCE,
            () ->
                a.finish(
                    new Unavailable(a.id, "the activation queue did not answer in time"), held))
        // A worker may answer before the submit's own acknowledgement arrives.
        .onAnyMessage(this::stashed)
        .build();
  }

  private Behavior<Command> stashed(Command command) {
    if (a.stash.isFull()) {
      a.context.getLog().warn("Activation [{}] dropped [{}] while submitting", a.id, command);
    } else {
      a.stash.stash(command);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSubmitFailed(SubmitFailed failed, Route route) {
    Throwable cause = Stages.unwrap(failed.failure());
    if (cause instanceof AdmissionRefused.Full full) {
      a.context.getLog().info("Activation [{}] refused: the [{}] limit is reached", a.id,
          full.limit());
      return a.finish(new Rejected(a.id, full.limit()), held);
    }
    if (route.routed()) {
      a.context.getLog().info("Activation [{}] could not be routed to worker [{}]: [{}]", a.id,
          route.to(), cause.toString());
      a.timers.cancel(RouteDeadline.INSTANCE);
      return submit(route.fallBack(), CompletableFuture.completedFuture(null));
    }
    a.context.getLog().warn("Activation [{}] unavailable: [{}]", a.id, cause.toString());
    String reason =
        cause instanceof AdmissionRefused.Unavailable
            ? cause.getMessage()
            : "the activation queue cannot be reached";
    return a.finish(new Unavailable(a.id, reason), held);
  }

  private Behavior<Command> awaitingWorker(Route route, long ticket) {
    a.timers.startTimerAtFixedRate(WorkersCheck.INSTANCE, ActivationActor.WORKERS_CHECK);
    return a.receive(held)
        .onMessage(EventArrived.class, e -> onEventWhileAwaiting(e.event(), route, ticket))
        .onMessageEquals(WorkersCheck.INSTANCE, () -> onWorkersCheck(ticket))
        .onMessageEquals(
            RouteDeadline.INSTANCE,
            () ->
                route.routed() ? fallBack(route, ticket, "it did not take it") : Behaviors.same())
        .onMessageEquals(
            AcceptDeadline.INSTANCE,
            () -> {
              a.context.getLog().info("Activation [{}] not taken by any worker in time", a.id);
              withdraw(ticket);
              return a.finish(
                  new Unavailable(a.id, "no worker took the activation in time"), held);
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
      live = a.ports.queue().liveWorkers();
    } catch (RuntimeException e) {
      return Behaviors.same(); // the queue's own failures are answered where they happen
    }
    if (live > 0) {
      return Behaviors.same();
    }
    a.context.getLog().info("Activation [{}] unavailable: no worker is running any more", a.id);
    withdraw(ticket);
    return a.finish(new Unavailable(a.id, "no worker is running"), held);
  }

  private Behavior<Command> onEventWhileAwaiting(WorkerEvent event, Route route, long ticket) {
    if (event instanceof WorkerEvent.Completed completed) {
      return a.finishWith(completed.record(), held);
    }
    if (event instanceof WorkerEvent.Dropped dropped) {
      switch (route.onDrop(dropped.worker())) {
        case FALL_BACK:
          return fallBack(route, ticket, "it dropped it: " + dropped.reason());
        case IGNORE:
          return Behaviors.same();
        case FAILED:
        default:
          a.context.getLog().info("Activation [{}] dropped by a worker: [{}]", a.id,
              dropped.reason());
          return a.finish(
              new Unavailable(a.id, "no worker could take the activation: " + dropped.reason()),
              held);
      }
    }
    if (event instanceof WorkerEvent.Accepted accepted) {
      a.context.getLog().debug("Activation [{}] taken by worker [{}]", a.id, accepted.worker());
    }
    // A heartbeat whose Accepted went missing still says a worker has it.
    a.timers.cancel(WorkersCheck.INSTANCE);
    a.timers.cancel(AcceptDeadline.INSTANCE);
    a.timers.cancel(RouteDeadline.INSTANCE);
    return new ActivationWatch(a, route, held).start();
  }

  /** Withdraws the request of {@code ticket}; a failure is logged. Completes when it is done. */
  private CompletionStage<Void> withdraw(long ticket) {
    return Stages.logged(Stages.attempt(() -> a.ports.queue().withdraw(ticket)), ASYNC_LOG,
        "Activation [{}] could not be withdrawn: [{}]", a.id);
  }
}
