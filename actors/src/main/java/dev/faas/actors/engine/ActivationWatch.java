package dev.faas.actors.engine;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.engine.ActivationActor.Command;
import dev.faas.actors.engine.ActivationActor.EventArrived;
import dev.faas.actors.engine.ActivationActor.Held;
import dev.faas.actors.engine.MissingWord.Why;
import dev.faas.actors.routing.Routing.DropMeans;
import dev.faas.actors.routing.Routing.Route;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The part of an {@link ActivationActor}'s life after a worker took the request: it watches the
 * worker's heartbeats and the result deadline ({@code timeoutMs + resultGrace}), and when the
 * worker's word goes missing it reads the activation's record (docs/decisions/0009):
 *
 * <ul>
 *   <li>Silence counts against the worker only while this node's own link to the transport
 *       stayed up for the whole heartbeat timeout; otherwise the watchdog waits for the link, up
 *       to the result deadline.
 *   <li>Before answering that the worker was lost, or that no result came by the deadline, it
 *       reads the record: an outcome the worker recorded is the answer. It answers "worker lost"
 *       (503) only when the record is known to be absent, and a timeout (504) when nothing could
 *       be read within {@code recordLookup}.
 * </ul>
 *
 * <p>Same actor, same messages: this class only holds the behaviour methods of the states
 * running and consulting, each given a {@link Watch} of what it knows.
 */
final class ActivationWatch {
  /** Between two reads of the record while they fail (NATS reconnecting). */
  static final Duration LOOKUP_RETRY = Duration.ofMillis(250);

  enum WorkerSilent implements Command {
    INSTANCE
  }

  enum ResultDeadline implements Command {
    INSTANCE
  }

  record LookedUp(Optional<ActivationRecord> record) implements Command {}

  record LookupFailed(Throwable failure) implements Command {}

  enum LookupRetry implements Command {
    INSTANCE
  }

  /** No record could be read in time after the result deadline: the outcome is unknown. */
  enum LookupDeadline implements Command {
    INSTANCE
  }

  /**
   * What the watch knows: the link it last armed the watchdog over, whether it already said it
   * waits for the link, and whether a read of the record is in flight.
   */
  record Watch(Link from, boolean waitingForLink, boolean lookupInFlight) {
    Watch armedOver(Link link) {
      return new Watch(link, waitingForLink, lookupInFlight);
    }

    Watch lookingUp(boolean inFlight) {
      return new Watch(from, waitingForLink, inFlight);
    }

    Watch waiting() {
      return new Watch(from, true, lookupInFlight);
    }
  }

  private final ActivationActor a;
  private final Route route;
  private final Held held;

  ActivationWatch(ActivationActor activation, Route route, Held held) {
    this.a = activation;
    this.route = route;
    this.held = held;
  }

  /**
   * Arms the result deadline for a worker that is still getting the container (a pull may come
   * first: {@code pullAllowance}); {@link WorkerEvent.Running} re-arms it from the function's
   * start.
   */
  Behavior<Command> start() {
    a.timers.startSingleTimer(
        ResultDeadline.INSTANCE, resultDeadline().plus(a.ports.settings().pullAllowance()));
    return running(arm(new Watch(Link.UP, false, false)));
  }

  private Duration resultDeadline() {
    return Duration.ofMillis(a.call.function().timeoutMs()).plus(a.ports.settings().resultGrace());
  }

  private Behavior<Command> running(Watch watch) {
    return a.receive(held)
        .onMessage(EventArrived.class, e -> onEventWhileRunning(e.event(), watch))
        .onMessageEquals(WorkerSilent.INSTANCE, () -> onSilence(watch))
        .onMessageEquals(
            ResultDeadline.INSTANCE,
            () -> {
              a.context.getLog().warn("Activation [{}]: no result by its deadline, reading its"
                  + " record", a.id);
              return consulting(Why.DEADLINE, watch);
            })
        // A read started before the worker was heard again: a record found is still the answer.
        .onMessage(
            LookedUp.class,
            found ->
                found.record().isPresent()
                    ? a.finishWith(found.record().get(), held)
                    : running(watch.lookingUp(false)))
        .onMessage(LookupFailed.class, failed -> running(watch.lookingUp(false)))
        .onMessageEquals(LookupRetry.INSTANCE, Behaviors::same)
        .onMessageEquals(LookupDeadline.INSTANCE, Behaviors::same)
        .build();
  }

  private Behavior<Command> onEventWhileRunning(WorkerEvent event, Watch watch) {
    if (event instanceof WorkerEvent.Completed completed) {
      return a.finishWith(completed.record(), held);
    }
    if (event instanceof WorkerEvent.Running) {
      a.timers.startSingleTimer(ResultDeadline.INSTANCE, resultDeadline());
    }
    if (event instanceof WorkerEvent.Dropped dropped) {
      // A copy handed out again (its ack wait ran out) and dropped by the worker that got it.
      // After a NATS outage that happens while the first worker still runs it: only that
      // worker's silence says it was lost.
      if (route.onDrop(dropped.worker()) != DropMeans.IGNORE) {
        a.context.getLog().info("Activation [{}]: a copy was dropped by a worker: [{}]", a.id,
            dropped.reason());
      }
      return Behaviors.same();
    }
    return running(arm(watch));
  }

  /** (Re)starts the heartbeat watchdog over the link as it is now. */
  private Watch arm(Watch watch) {
    a.timers.startSingleTimer(WorkerSilent.INSTANCE, a.ports.settings().heartbeatTimeout());
    return watch.armedOver(a.link(watch.from()));
  }

  private Behavior<Command> onSilence(Watch watch) {
    Link now = a.link(watch.from());
    if (!MissingWord.silenceIsEvidence(watch.from(), now)) {
      Watch next = watch;
      if (!watch.waitingForLink()) {
        next = watch.waiting();
        a.context.getLog().info("Activation [{}]: no word from its worker while this node's NATS"
            + " link was {}: waiting for the link", a.id, now.connected() ? "interrupted" : "down");
      }
      return running(arm(next));
    }
    a.context.getLog().warn("Activation [{}]: its worker stopped answering, reading its record",
        a.id);
    return consulting(Why.SILENT, watch);
  }

  /**
   * Reads the activation's record, again while reads fail, and answers from it ({@link
   * MissingWord}). After silence the result deadline bounds it; after the result deadline,
   * {@code recordLookup}.
   */
  private Behavior<Command> consulting(Why why, Watch watch) {
    a.timers.cancel(WorkerSilent.INSTANCE);
    if (why == Why.DEADLINE) {
      a.timers.cancel(ResultDeadline.INSTANCE);
      a.timers.startSingleTimer(LookupDeadline.INSTANCE, a.ports.settings().recordLookup());
    }
    return consultingWith(why, lookUp(watch));
  }

  private Behavior<Command> consultingWith(Why why, Watch watch) {
    return a.receive(held)
        .onMessage(
            LookedUp.class,
            found -> {
              if (found.record().isPresent()) {
                a.context.getLog().info("Activation [{}]: its worker's word was lost, its record"
                    + " says [{}]", a.id, found.record().get().status());
              }
              return a.finish(MissingWord.answer(a.id, why, found.record()), held);
            })
        .onMessage(
            LookupFailed.class,
            failed -> {
              a.context.getLog().debug("Activation [{}]: its record could not be read: [{}]",
                  a.id, Stages.unwrap(failed.failure()).toString());
              a.timers.startSingleTimer(LookupRetry.INSTANCE, LOOKUP_RETRY);
              return consultingWith(why, watch.lookingUp(false));
            })
        .onMessageEquals(LookupRetry.INSTANCE, () -> consultingWith(why, lookUp(watch)))
        .onMessage(EventArrived.class, e -> onEventWhileConsulting(e.event(), why, watch))
        .onMessageEquals(
            ResultDeadline.INSTANCE,
            () -> why == Why.SILENT ? consulting(Why.DEADLINE, watch) : Behaviors.same())
        .onMessageEquals(
            LookupDeadline.INSTANCE,
            () -> {
              a.context.getLog().warn("Activation [{}]: outcome unknown, no record could be read"
                  + " within [{}]", a.id, a.ports.settings().recordLookup());
              return a.finish(MissingWord.unknown(a.id), held);
            })
        .onMessageEquals(WorkerSilent.INSTANCE, Behaviors::same)
        .build();
  }

  private Behavior<Command> onEventWhileConsulting(WorkerEvent event, Why why, Watch watch) {
    if (event instanceof WorkerEvent.Completed completed) {
      return a.finishWith(completed.record(), held);
    }
    if (event instanceof WorkerEvent.Dropped || why == Why.DEADLINE) {
      return Behaviors.same();
    }
    a.context.getLog().info("Activation [{}]: its worker was heard again", a.id);
    a.timers.cancel(LookupRetry.INSTANCE);
    return running(arm(watch));
  }

  /** Starts a read of the record unless one is in flight; the watch then knows it is. */
  private Watch lookUp(Watch watch) {
    if (watch.lookupInFlight()) {
      return watch;
    }
    CompletionStage<Optional<ActivationRecord>> read =
        Stages.attempt(() -> a.ports.records().get(a.call.function().owner(), a.id))
            .toCompletableFuture()
            .orTimeout(a.ports.settings().recordLookup().toMillis(), TimeUnit.MILLISECONDS);
    a.context.pipeToSelf(
        read,
        (record, failure) ->
            failure == null
                ? new LookedUp(record == null ? Optional.empty() : record)
                : new LookupFailed(failure));
    return watch.lookingUp(true);
  }
}
