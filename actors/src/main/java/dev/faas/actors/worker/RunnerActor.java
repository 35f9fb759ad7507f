package dev.faas.actors.worker;

import static dev.faas.actors.Stages.attempt;
import static dev.faas.actors.Stages.unwrap;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.RequestIdMdc;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.worker.ActivationRecords.Verdict;
import dev.faas.actors.worker.RunnerState.Acquiring;
import dev.faas.actors.worker.RunnerState.AwaitingExit;
import dev.faas.actors.worker.RunnerState.Running;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * Runs one activation in one fresh container, on a worker.
 *
 * <p>Contract with its parent ({@link WorkerActor}):
 *
 * <ol>
 *   <li>The parent has already told the API node {@code Accepted}; the runner sends {@code
 *       Heartbeat}s and {@code inProgress} about every {@code heartbeatInterval} until the
 *       activation is settled.
 *   <li>The runner writes the activation's record (every outcome has one, image not found and
 *       platform errors included) and acks the item, then replies {@code Completed}. While the
 *       write or the ack fails (NATS away), it retries them with backoff, up to {@code
 *       settleTimeout}, and keeps sending heartbeats: an activation that ran has its record once
 *       NATS is back, and its place is freed (docs/decisions/0009).
 *   <li>The runner removes its container on every path, once the activation is settled (the
 *       removal's load on the engine, and the pool's replacement start that waits for it, then
 *       stay off the caller's way), or as soon as settling is retried or takes a second, and
 *       waits for the removal (up to {@code removeTimeout})
 *       before it tells the parent {@link Finished} and stops: a slot is a container.
 *   <li>If it crashes instead, the parent settles the item, replies and removes the container by
 *       label; the item it got is shared with the parent so neither settles it twice.
 *   <li>{@link Stop} (a stopping worker's drain ran out) ends the activation at once as {@link
 *       FailureKind#WORKER_STOPPED}, recorded and answered like any other end.
 * </ol>
 *
 * <p>States, one behaviour method each, each given its immutable {@code RunnerState}: acquiring →
 * running (output stream, timeout timer) → awaitingExit → finishing ({@code RunnerFinishing}:
 * settling and removal). A run past its timeout or over its stdout cap goes to finishing without
 * waiting for the killed container's exit. The verdict is {@code Verdicts}'s.
 */
public final class RunnerActor {

  public sealed interface Command {}

  /**
   * The worker is stopping and its drain time is over: end the activation now, as the
   * platform's failure ({@link FailureKind#WORKER_STOPPED}), its container killed and removed.
   */
  public enum Stop implements Command {
    INSTANCE
  }

  record ContainerReady(ContainerSource.Acquired acquired) implements Command {}

  private record AcquireFailed(Throwable failure) implements Command {}

  private record OutputDone(OutputCapture capture) implements Command {}

  private record OutputFailed(Throwable failure) implements Command {}

  private record Exited(ContainerExit exit) implements Command {}

  private record ExitFailed(Throwable failure) implements Command {}

  record RecordWritten(Throwable failure) implements Command {}

  record Acked(Throwable failure) implements Command {}

  enum Step implements Command {
    HEARTBEAT,
    ACQUIRE_DEADLINE,
    FUNCTION_DEADLINE,
    KILL_GRACE,
    SETTLED,
    REMOVED,
    REMOVE,
    REMOVE_DEADLINE,
    RETRY_RECORD,
    RETRY_ACK,
    SETTLE_DEADLINE
  }

  /** How long after the answer the container's removal starts. */
  static final Duration REMOVE_AFTER_ANSWER = Duration.ofMillis(25);
  /** The removal starts by then even when the activation is not settled yet. */
  static final Duration REMOVE_UNSETTLED_AFTER = Duration.ofSeconds(1);

  /** Sent to the parent when the activation is settled and its container is gone. */
  public record Finished(String activationId) {}

  /**
   * @param item the pulled activation, already accepted
   * @param acceptedAt when the worker took it
   */
  public static Behavior<Command> create(
      WorkItem item, Instant acceptedAt, RunnerPorts ports, ActorRef<Finished> parent) {
    // Every line it logs carries the call's X-Request-Id, when the API node sent one.
    return RequestIdMdc.around(Command.class, item.request().requestId(), Behaviors.setup(
        ctx -> {
          ctx.setLoggerName(RunnerActor.class);
          return Behaviors.withTimers(
              timers ->
                  new RunnerActor(
                          new RunnerScope(ctx, timers, item, ports, parent, new ContainerHandoff(),
                              new RunnerTrace(ports.tracing(), item.request(), ports.workerId())))
                      .start(acceptedAt));
        }));
  }

  private final RunnerScope scope;
  private final TimerScheduler<Command> timers;
  private final ActivationRequest request;
  private final String id;
  private final RunnerSettings settings;

  private RunnerActor(RunnerScope scope) {
    this.scope = scope;
    this.timers = scope.timers();
    this.request = scope.request();
    this.id = scope.id();
    this.settings = scope.settings();
  }

  private Behavior<Command> start(Instant acceptedAt) {
    timers.startTimerAtFixedRate(Step.HEARTBEAT, Step.HEARTBEAT, settings.heartbeatInterval());
    timers.startSingleTimer(Step.ACQUIRE_DEADLINE, settings.acquireTimeout());
    Acquiring state = new Acquiring(Timings.acquiring(acceptedAt, scope.now()));
    ActorRef<Command> self = scope.context().getSelf();
    scope.handoff().deliver(
        scope.trace().acquire(() -> attempt(() -> scope.ports().containers().acquire(
            ContainerSpecs.forActivation(
                request, scope.ports().workerId(), scope.ports().platformName(), settings),
            request.function()))),
        acquired -> self.tell(new ContainerReady(acquired)),
        failure -> self.tell(new AcquireFailed(failure)),
        id);
    return acquiring(state);
  }

  private Behavior<Command> acquiring(Acquiring state) {
    return receive(state)
        .onMessage(ContainerReady.class, ready -> onContainerReady(state, ready))
        .onMessage(AcquireFailed.class, failed -> onAcquireFailed(state, failed))
        .onMessageEquals(
            Step.ACQUIRE_DEADLINE,
            () -> {
              scope.log().warn("Activation [{}]: no container within [{}]", id,
                  settings.acquireTimeout());
              return finish(Verdicts.noContainer(null), state.timings().acquired(scope.now()),
                  null, false, null);
            })
        .onMessageEquals(
            Stop.INSTANCE,
            () -> {
              logStop();
              return finish(Verdicts.stopped(), state.timings().acquired(scope.now()), null,
                  false, null);
            })
        .build();
  }

  private Behavior<Command> onAcquireFailed(Acquiring state, AcquireFailed failed) {
    timers.cancel(Step.ACQUIRE_DEADLINE);
    Timings timings = state.timings().acquired(scope.now());
    Throwable cause = unwrap(failed.failure());
    Verdict verdict = Verdicts.noContainer(cause);
    if (verdict.failure() == FailureKind.IMAGE_NOT_FOUND) {
      scope.log().info("Activation [{}]: image [{}] not found", id, request.function().image());
    } else {
      scope.log().warn("Activation [{}]: no container: [{}]", id, cause.toString());
    }
    return finish(verdict, timings, null, false, null);
  }

  private Behavior<Command> onContainerReady(Acquiring state, ContainerReady ready) {
    timers.cancel(Step.ACQUIRE_DEADLINE);
    Container container = ready.acquired().container();
    boolean warm = ready.acquired().warm();
    Timings timings = state.timings().running(scope.now());
    timers.startSingleTimer(Step.FUNCTION_DEADLINE, Duration.ofMillis(request.function().timeoutMs()));
    scope.running();
    scope.trace().running();
    Pair<UniqueKillSwitch, CompletionStage<OutputCapture>> run;
    try {
      run =
          OutputCapture.collect(
              container.run(ContainerSpecs.stdin(request)),
              settings.stdoutCapBytes(),
              settings.logCapBytes(),
              scope.item().liveLog(),
              Materializer.matFromSystem(scope.context().getSystem()));
    } catch (RuntimeException e) {
      scope.log().warn("Activation [{}]: its output could not be read", id, e);
      kill(container);
      return finish(Verdicts.afterRun(false, false, null), timings.ranUntil(scope.now()),
          container, warm, null);
    }
    scope.context().pipeToSelf(
        run.second(),
        (capture, failure) -> failure == null ? new OutputDone(capture) : new OutputFailed(failure));
    return running(new Running(container, warm, timings, run.first(), false));
  }

  private Behavior<Command> running(Running state) {
    return receive(state)
        .onMessage(OutputDone.class, done -> onOutputDone(state, done.capture()))
        .onMessage(
            OutputFailed.class,
            failed -> {
              scope.log().warn("Activation [{}]: reading its output failed: [{}]", id,
                  unwrap(failed.failure()).toString());
              killOnce(state.container(), state.deadlineHit());
              return finish(Verdicts.afterRun(state.deadlineHit(), false, null),
                  state.timings().ranUntil(scope.now()), state.container(), state.warm(), null);
            })
        .onMessageEquals(
            Step.FUNCTION_DEADLINE,
            () -> {
              logDeadline();
              state.killSwitch().shutdown();
              kill(state.container());
              return running(state.atDeadline());
            })
        .onMessageEquals(
            Step.KILL_GRACE,
            () -> {
              // Killed, and its output still open: end the stream with what was read.
              state.killSwitch().shutdown();
              return Behaviors.same();
            })
        .onMessageEquals(
            Stop.INSTANCE,
            () -> {
              logStop();
              state.killSwitch().shutdown();
              killOnce(state.container(), state.deadlineHit());
              return finish(Verdicts.stopped(), state.timings().ranUntil(scope.now()),
                  state.container(), state.warm(), null);
            })
        .build();
  }

  private Behavior<Command> onOutputDone(Running state, OutputCapture capture) {
    Timings timings = state.timings().ranUntil(scope.now());
    if (capture.overflow()) {
      scope.log().info("Activation [{}]: stdout over [{}] bytes, killing it", id,
          settings.stdoutCapBytes());
      killOnce(state.container(), state.deadlineHit());
    }
    if (state.deadlineHit() || capture.overflow()) {
      // The verdict is known and the kill sent: the exit would tell nothing more, and a loaded
      // engine takes seconds to kill (a flooding container's log drains first). The container
      // is removed after the answer, its slot held until then.
      return finish(Verdicts.afterRun(state.deadlineHit(), capture.overflow(), null), timings,
          state.container(), state.warm(), capture);
    }
    // Not guarded: a binding whose exit() is null is a bug to crash on (the parent cleans up).
    scope.context().pipeToSelf(
        state.container().exit(),
        (exit, failure) -> failure == null ? new Exited(exit) : new ExitFailed(failure));
    return awaitingExit(
        new AwaitingExit(state.container(), state.warm(), timings, capture, false));
  }

  private Behavior<Command> awaitingExit(AwaitingExit state) {
    return receive(state)
        .onMessage(
            Exited.class,
            exited -> finishRun(state, Verdicts.afterRun(state.deadlineHit(), false, exited.exit())))
        .onMessage(
            ExitFailed.class,
            failed -> {
              scope.log().warn("Activation [{}]: its exit was not seen: [{}]", id,
                  unwrap(failed.failure()).toString());
              return finishRun(state, Verdicts.afterRun(state.deadlineHit(), false, null));
            })
        .onMessageEquals(
            Step.FUNCTION_DEADLINE,
            () -> {
              logDeadline();
              kill(state.container());
              return awaitingExit(state.atDeadline());
            })
        .onMessageEquals(
            Step.KILL_GRACE,
            () -> {
              scope.log().warn("Activation [{}]: no exit within [{}] of its kill", id,
                  settings.killGrace());
              return finishRun(state, Verdicts.afterRun(state.deadlineHit(), false, null));
            })
        .onMessageEquals(
            Stop.INSTANCE,
            () -> {
              logStop();
              killOnce(state.container(), state.deadlineHit());
              return finishRun(state, Verdicts.stopped());
            })
        .build();
  }

  private Behavior<Command> finishRun(AwaitingExit state, Verdict verdict) {
    return finish(verdict, state.timings(), state.container(), state.warm(), state.capture());
  }

  /**
   * The activation's end: its record made, and the rest handed to the finishing state.
   *
   * @param container null when none came
   * @param capture null when the output was never read to its end
   */
  private Behavior<Command> finish(Verdict verdict, Timings timings, Container container,
      boolean warm, OutputCapture capture) {
    timers.cancel(Step.ACQUIRE_DEADLINE);
    timers.cancel(Step.FUNCTION_DEADLINE);
    timers.cancel(Step.KILL_GRACE);
    ActivationRecord record =
        ActivationRecords.ofRun(request, scope.ports().workerId(), verdict, timings, scope.now(),
            capture, container == null ? Optional.empty() : container.preCall(), warm);
    scope.log().info("Activation [{}] of [{}] finished [{}] [{}] in [{}] ms", id,
        record.function(), record.status(), record.failure(), record.durationMs());
    scope.trace().ended(record);
    return new RunnerFinishing(scope).start(record, container);
  }

  private void logStop() {
    scope.log().warn("Activation [{}] stopped: its worker is stopping", id);
  }

  private void logDeadline() {
    scope.log().info("Activation [{}] ran past its [{}] ms: killing it", id,
        request.function().timeoutMs());
  }

  /** Kills the container unless it was already killed at its deadline. */
  private void killOnce(Container container, boolean killedAtDeadline) {
    if (!killedAtDeadline) {
      kill(container);
    }
  }

  private void kill(Container container) {
    scope.logged(attempt(container::kill), "killing its container");
    timers.startSingleTimer(Step.KILL_GRACE, settings.killGrace());
  }

  /** What every state before finishing does alike: heartbeats, and cleaning up at its stop. */
  private BehaviorBuilder<Command> receive(RunnerState state) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Step.HEARTBEAT,
            () -> {
              scope.heartbeat();
              return Behaviors.same();
            })
        .onSignal(
            PostStop.class,
            signal -> {
              // Also after a crash: whatever container this runner got must not outlive it.
              if (state instanceof Running running) {
                running.killSwitch().shutdown();
              }
              scope.releaseContainer(false);
              scope.trace().over();
              return Behaviors.same();
            });
  }

  /** The wait before settling's next attempt after {@code attempts} failed ones. */
  static Duration settleBackoff(int attempts) {
    return Settling.backoff(attempts);
  }
}
