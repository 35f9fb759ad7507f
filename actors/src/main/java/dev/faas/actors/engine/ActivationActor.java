package dev.faas.actors.engine;

import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.RequestIdMdc;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.outcome.Outcome.Rejected;
import dev.faas.actors.outcome.Outcome.Unavailable;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.routing.Routing.Route;
import dev.faas.actors.routing.Routing;
import dev.faas.actors.trace.SpanNames;
import dev.faas.actors.trace.TraceSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

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
 *   <li>Routing ({@link Routing}, docs/decisions/0005): when the queue names a live worker
 *       holding pre-started containers for the function, the request goes to that worker alone,
 *       with an {@code acceptBy} of {@code routeTimeout}. If that worker drops it, or has not
 *       taken it {@code routeGrace} after that, the request is withdrawn and queued once more for
 *       any worker, with the activation's own {@code acceptBy}.
 *   <li>Missing word ({@link ActivationWatch}, docs/decisions/0009): once a worker has it, the
 *       node watches its heartbeats and the result deadline, and answers from the activation's
 *       record when the worker's word went missing.
 * </ol>
 *
 * <p>States, each a behaviour method given what it knows as immutable values: admitting (node
 * permit, live workers) → submitting and awaitingWorker, until {@code acceptTimeout} ({@link
 * ActivationSubmit}) → running and consulting ({@link ActivationWatch}).
 */
public final class ActivationActor {
  private static final int STASH_CAPACITY = 64;

  /** How often a waiting request checks that some worker is alive to take it. */
  static final Duration WORKERS_CHECK = Duration.ofSeconds(1);

  public sealed interface Command
      permits PermitReply,
          EventArrived,
          AcceptDeadline,
          ActivationSubmit.SubmitFirst,
          ActivationSubmit.Submitted,
          ActivationSubmit.SubmitFailed,
          ActivationSubmit.RouteDeadline,
          ActivationSubmit.WorkersCheck,
          ActivationWatch.WorkerSilent,
          ActivationWatch.ResultDeadline,
          ActivationWatch.LookedUp,
          ActivationWatch.LookupFailed,
          ActivationWatch.LookupRetry,
          ActivationWatch.LookupDeadline {}

  private record PermitReply(NodeLimiter.Reply reply) implements Command {}

  record EventArrived(WorkerEvent event) implements Command {}

  enum AcceptDeadline implements Command {
    INSTANCE
  }

  /** What must be given back when the activation ends, whatever the way. */
  record Held(boolean permit, AutoCloseable listener) {
    static final Held NOTHING = new Held(false, null);
  }

  /**
   * @param call what to run, under its {@code activationId} (which the supervisor has made when the
   *     caller gave none); its {@code requestId} is in this actor's log lines
   */
  static Behavior<Command> create(ActivationCall call, OnceReply reply, EnginePorts ports) {
    return RequestIdMdc.around(Command.class, call.requestId(), Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        STASH_CAPACITY,
                        stash -> new ActivationActor(ctx, timers, stash, call, reply, ports)
                            .start()))));
  }

  final ActorContext<Command> context;
  final TimerScheduler<Command> timers;
  final StashBuffer<Command> stash;
  /** What it runs. */
  final ActivationCall call;
  /** The call's activation id, never null here. */
  final String id;
  private final OnceReply reply;
  final EnginePorts ports;
  final Instant acceptBy;

  private ActivationActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      ActivationCall call,
      OnceReply reply,
      EnginePorts ports) {
    this.context = context;
    context.setLoggerName(ActivationActor.class);
    this.timers = timers;
    this.stash = stash;
    this.call = call;
    this.id = call.activationId();
    this.reply = reply;
    this.ports = ports;
    this.acceptBy = ports.clock().instant().plus(ports.settings().acceptTimeout());
  }

  private Behavior<Command> start() {
    // One deadline covers the permit, the submit and the wait for a worker: it is acceptBy.
    timers.startSingleTimer(AcceptDeadline.INSTANCE, ports.settings().acceptTimeout());
    TraceSpan admission =
        ports.tracing().child(SpanNames.ADMISSION, call.trace()).set(SpanNames.ACTIVATION_ID, id);
    ports
        .limiter()
        .tell(
            new NodeLimiter.Acquire(
                context.getSelf(),
                context.messageAdapter(NodeLimiter.Reply.class, PermitReply::new)));
    return admitting(admission);
  }

  private Behavior<Command> admitting(TraceSpan admission) {
    return receive(Held.NOTHING)
        .onMessage(PermitReply.class, permit -> onPermit(permit, admission))
        .onMessageEquals(
            AcceptDeadline.INSTANCE,
            () -> {
              admission.fail("not admitted in time");
              admission.end();
              return finish(
                  new Unavailable(id, "the node did not admit the activation in time"),
                  Held.NOTHING);
            })
        .build();
  }

  private Behavior<Command> onPermit(PermitReply permit, TraceSpan admission) {
    if (permit.reply() instanceof NodeLimiter.Refused) {
      admission.fail("this node is at its limit");
    }
    admission.end();
    if (permit.reply() instanceof NodeLimiter.Refused) {
      context.getLog().info("Activation [{}] refused: this node is at its limit", id);
      return finish(new Rejected(id), Held.NOTHING);
    }
    Held held = new Held(true, null);
    try {
      if (!ports.queue().link().connected()) {
        context.getLog().info("Activation [{}] unavailable: this node is not connected to NATS",
            id);
        return finish(new Unavailable(id, "the activation queue cannot be reached"), held);
      }
      if (ports.queue().liveWorkers() == 0) {
        context.getLog().info("Activation [{}] unavailable: no worker is running", id);
        return finish(new Unavailable(id, "no worker is running"), held);
      }
      ActorRef<Command> self = context.getSelf();
      held = new Held(true, ports.queue().listen(id, event -> self.tell(new EventArrived(event))));
    } catch (RuntimeException e) {
      context.getLog().warn("Activation [{}] unavailable: the queue failed", id, e);
      return finish(new Unavailable(id, "the activation queue cannot be reached"), held);
    }
    Optional<String> warm;
    try {
      warm = ports.queue().warmWorker(call.function());
    } catch (RuntimeException e) {
      warm = Optional.empty();
    }
    return new ActivationSubmit(this, held).first(Route.start(ports.clock().instant(), warm));
  }

  /** This node's link to the transport; unknown (a queue failing) counts as a change. */
  Link link(Link last) {
    try {
      return ports.queue().link();
    } catch (RuntimeException e) {
      return new Link(false, last.changes() + 1);
    }
  }

  Behavior<Command> finish(Outcome outcome, Held held) {
    if (reply.send(outcome)) {
      context.getLog().debug("Activation [{}] answered [{}]", id,
          outcome.getClass().getSimpleName());
    }
    return Behaviors.stopped(() -> release(held));
  }

  /** Gives back what {@code held} names; runs on every way out, a crash included. */
  private void release(Held held) {
    if (held.listener() != null) {
      try {
        held.listener().close();
      } catch (Exception e) {
        context.getLog().warn("Activation [{}]: closing its listener failed", id, e);
      }
    }
    if (held.permit()) {
      ports.limiter().tell(new NodeLimiter.Release(context.getSelf()));
    }
  }

  /**
   * A behaviour's messages, with the release of {@code held} when the actor stops without having
   * answered (a crash, or its parent stopping it); {@link #finish} releases on the normal way out.
   */
  BehaviorBuilder<Command> receive(Held held) {
    return Behaviors.receive(Command.class)
        .onSignal(
            PostStop.class,
            signal -> {
              if (!reply.isSent()) {
                release(held);
              }
              return Behaviors.same();
            });
  }

  /** The record's answer, as {@link MissingWord} maps it. */
  Behavior<Command> finishWith(ActivationRecord record, Held held) {
    return finish(MissingWord.of(record), held);
  }
}
