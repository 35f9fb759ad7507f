package dev.faas.actors.worker;

import static dev.faas.actors.Stages.attempt;
import static dev.faas.actors.Stages.notNull;
import static dev.faas.actors.Stages.unwrap;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.worker.RunnerActor.Acked;
import dev.faas.actors.worker.RunnerActor.Command;
import dev.faas.actors.worker.RunnerActor.ContainerReady;
import dev.faas.actors.worker.RunnerActor.RecordWritten;
import dev.faas.actors.worker.RunnerActor.Step;
import dev.faas.actors.worker.RunnerState.Finishing;
import dev.faas.actors.worker.RunnerState.Removal;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A runner's last state: its activation has ended and its record is made. Writes the record and
 * acks the item, each retried with backoff while it fails (NATS away) until {@code
 * settleTimeout}; then answers {@code Completed}; removes the container (right after the answer,
 * or meanwhile once settling is retried or takes longer than {@link
 * RunnerActor#REMOVE_UNSETTLED_AFTER}); and once answered with the container gone, tells the
 * parent {@link RunnerActor.Finished} and stops. Heartbeats go on until the answer.
 */
final class RunnerFinishing {
  private final RunnerScope scope;
  private final TimerScheduler<Command> timers;
  private final String id;
  private final RunnerSettings settings;

  RunnerFinishing(RunnerScope scope) {
    this.scope = scope;
    this.timers = scope.timers();
    this.id = scope.id();
    this.settings = scope.settings();
  }

  /**
   * Starts settling {@code record}.
   *
   * @param container the activation's container, null when none came
   */
  Behavior<Command> start(ActivationRecord record, Container container) {
    timers.startSingleTimer(Step.SETTLE_DEADLINE, settings.settleTimeout());
    timers.startSingleTimer(Step.REMOVE, RunnerActor.REMOVE_UNSETTLED_AFTER);
    writeRecord(record, 1);
    ack();
    return finishing(Finishing.started(record, container));
  }

  private Behavior<Command> finishing(Finishing state) {
    Settling settling = state.settling();
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Step.HEARTBEAT,
            () -> {
              if (!state.answered()) {
                scope.heartbeat();
              }
              return Behaviors.same();
            })
        .onMessage(
            RecordWritten.class,
            written ->
                written.failure() == null
                    ? settleWhenDone(state.with(settling.written()))
                    : retryLater(state, Step.RETRY_RECORD, settling.recordAttempts(),
                        "writing its record", written.failure()))
        .onMessage(
            Acked.class,
            acked ->
                acked.failure() == null
                    ? settleWhenDone(state.with(settling.ackConfirmed()))
                    : retryLater(state, Step.RETRY_ACK, settling.ackAttempts(), "acking it",
                        acked.failure()))
        .onMessageEquals(
            Step.RETRY_RECORD,
            () -> {
              writeRecord(state.record(), settling.recordAttempts() + 1);
              return finishing(state.with(settling.writeRetried()));
            })
        .onMessageEquals(
            Step.RETRY_ACK,
            () -> {
              ack();
              return finishing(state.with(settling.ackRetried()));
            })
        .onMessageEquals(
            Step.SETTLE_DEADLINE,
            () -> {
              scope.log().warn("Activation [{}]: not settled within [{}] (record written:"
                  + " [{}], acked: [{}]), answering anyway", id, settings.settleTimeout(),
                  settling.recordWritten(), settling.acked());
              return settle(state);
            })
        .onMessageEquals(Step.SETTLED, () -> onSettled(state))
        .onMessageEquals(Step.REMOVE, () -> finishedOr(startRemoval(state)))
        .onMessageEquals(Step.REMOVED, () -> onRemoved(state))
        .onMessageEquals(
            Step.REMOVE_DEADLINE,
            () -> {
              scope.log().warn("Activation [{}]: container [{}] not removed within [{}]", id,
                  state.container().id(), settings.removeTimeout());
              return onRemoved(state);
            })
        .onMessage(
            ContainerReady.class,
            late -> finishing(startRemoval(state.withLate(late.acquired().container()))))
        // What the earlier states were waiting for, come too late: the verdict is made.
        .onAnyMessage(late -> Behaviors.same())
        .onSignal(
            PostStop.class,
            signal -> {
              scope.releaseContainer(state.removal().started());
              scope.trace().over();
              return Behaviors.same();
            })
        .build();
  }

  private void writeRecord(ActivationRecord record, int attempt) {
    // Piped as Done, never as a null Void: see notNull.
    scope.context().pipeToSelf(
        notNull(
            scope.trace().recordWrite(
                attempt, () -> attempt(() -> scope.ports().store().put(record)))),
        (ok, f) -> new RecordWritten(f));
  }

  private void ack() {
    scope.context().pipeToSelf(notNull(attempt(scope.item()::ack)), (ok, f) -> new Acked(f));
  }

  private Behavior<Command> settleWhenDone(Finishing state) {
    Settling settling = state.settling();
    if (!settling.complete()) {
      return finishing(state);
    }
    if (settling.retried()) {
      scope.log().info("Activation [{}] settled after [{}] record writes and [{}] acks", id,
          settling.recordAttempts(), settling.ackAttempts());
    }
    return settle(state);
  }

  /** Once: no more retries, and the answer goes out. */
  private Behavior<Command> settle(Finishing state) {
    if (state.settling().ended()) {
      return finishing(state);
    }
    timers.cancel(Step.SETTLE_DEADLINE);
    timers.cancel(Step.RETRY_RECORD);
    timers.cancel(Step.RETRY_ACK);
    scope.context().getSelf().tell(Step.SETTLED);
    return finishing(state.with(state.settling().end()));
  }

  private Behavior<Command> onSettled(Finishing state) {
    // After the ack, so a caller who gets this answer finds its place free again.
    scope.item().reply(new WorkerEvent.Completed(id, state.record()));
    // After the record's write: a follower told the end finds the record.
    scope.item().liveLog().end(state.record().status(), state.record().logsTruncated());
    scope.trace().over();
    timers.cancel(Step.HEARTBEAT);
    Finishing answered = state.answeredNow();
    if (answered.removal().started()) {
      return finishedOr(answered);
    }
    // A moment later: the answer is still on its way (on a node that is also an API node it
    // needs the CPU), and the engine work of the removal, and of the pool's replacement start
    // that waits for it, would compete with it.
    timers.startSingleTimer(Step.REMOVE, RunnerActor.REMOVE_AFTER_ANSWER);
    return finishing(answered);
  }

  /**
   * A write or an ack failed: try again after a backoff, and remove the container meanwhile
   * rather than after the answer, which may be a while.
   */
  private Behavior<Command> retryLater(
      Finishing state, Step retry, int attempts, String what, Throwable failure) {
    if (state.settling().ended()) {
      return finishing(state);
    }
    if (attempts == 1) {
      RunnerScope.ASYNC_LOG.warn("Activation [{}]: [{}] failed, retrying: [{}]", id, what,
          unwrap(failure).toString());
    } else {
      RunnerScope.ASYNC_LOG.debug("Activation [{}]: [{}] failed again ([{}] attempts): [{}]", id,
          what, attempts, unwrap(failure).toString());
    }
    timers.startSingleTimer(retry, Settling.backoff(attempts));
    return finishing(startRemoval(state));
  }

  /** Starts the container's removal unless it is under way or there is no container. */
  private Finishing startRemoval(Finishing state) {
    if (state.removal().started()) {
      return state;
    }
    Container container = state.container();
    if (container == null) {
      return state.with(Removal.NOTHING_TO_REMOVE);
    }
    timers.startSingleTimer(Step.REMOVE_DEADLINE, settings.removeTimeout());
    scope.context().pipeToSelf(
        notNull(scope.logged(attempt(container::remove), "removing its container")),
        (ok, f) -> Step.REMOVED);
    return state.with(Removal.STARTED);
  }

  private Behavior<Command> onRemoved(Finishing state) {
    timers.cancel(Step.REMOVE_DEADLINE);
    return finishedOr(state.with(Removal.DONE));
  }

  /** Stops, telling the parent, once answered with the container gone; else waits on. */
  private Behavior<Command> finishedOr(Finishing state) {
    if (state.over()) {
      scope.parent().tell(new RunnerActor.Finished(id));
      return Behaviors.stopped();
    }
    return finishing(state);
  }
}
