package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.PreCall;
import dev.faas.actors.worker.ActivationRecords.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>States: acquiring → running (output stream, timeout timer) → awaitingExit → finishing.
 */
public final class RunnerActor {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(RunnerActor.class);

  public sealed interface Command {}

  /**
   * The worker is stopping and its drain time is over: end the activation now, as the
   * platform's failure ({@link FailureKind#WORKER_STOPPED}), its container killed and removed.
   */
  public enum Stop implements Command {
    INSTANCE
  }

  private record ContainerReady(ContainerSource.Acquired acquired) implements Command {}

  private record AcquireFailed(Throwable failure) implements Command {}

  private record OutputDone(OutputCapture capture) implements Command {}

  private record OutputFailed(Throwable failure) implements Command {}

  private record Exited(ContainerExit exit) implements Command {}

  private record ExitFailed(Throwable failure) implements Command {}

  private record RecordWritten(Throwable failure) implements Command {}

  private record Acked(Throwable failure) implements Command {}

  private enum Step implements Command {
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
  static final Duration SETTLE_RETRY_MIN = Duration.ofMillis(250);
  static final Duration SETTLE_RETRY_MAX = Duration.ofSeconds(2);

  /** Sent to the parent when the activation is settled and its container is gone. */
  public record Finished(String activationId) {}

  /**
   * @param item the pulled activation, already accepted
   * @param acceptedAt when the worker took it
   */
  public static Behavior<Command> create(
      WorkItem item, Instant acceptedAt, RunnerPorts ports, ActorRef<Finished> parent) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new RunnerActor(ctx, timers, item, acceptedAt, ports, parent).start()));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final WorkItem item;
  private final ActivationRequest request;
  private final String id;
  private final Instant acceptedAt;
  private final RunnerPorts ports;
  private final RunnerSettings settings;
  private final ActorRef<Finished> parent;
  private final ContainerHandoff handoff = new ContainerHandoff();

  private Container container;
  private boolean warm;
  private Instant acquireStart;
  private Instant acquiredAt;
  private Instant runStart;
  private Instant runEnd;
  private UniqueKillSwitch killSwitch;
  private OutputCapture capture;
  private boolean timedOut;
  private boolean killed;
  private boolean removeStarted;
  private boolean removed;
  private boolean settled;
  private boolean recordWritten;
  private boolean acked;
  private boolean settling;
  private int recordAttempts;
  private int ackAttempts;

  private RunnerActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      WorkItem item,
      Instant acceptedAt,
      RunnerPorts ports,
      ActorRef<Finished> parent) {
    this.context = context;
    context.setLoggerName(RunnerActor.class);
    this.timers = timers;
    this.item = item;
    this.request = item.request();
    this.id = request.activationId();
    this.acceptedAt = acceptedAt;
    this.ports = ports;
    this.settings = ports.settings();
    this.parent = parent;
  }

  private Behavior<Command> start() {
    timers.startTimerAtFixedRate(Step.HEARTBEAT, Step.HEARTBEAT, settings.heartbeatInterval());
    timers.startSingleTimer(Step.ACQUIRE_DEADLINE, settings.acquireTimeout());
    acquireStart = now();
    ActorRef<Command> self = context.getSelf();
    attempt(
            () ->
                ports
                    .containers()
                    .acquire(
                        ContainerSpecs.forActivation(
                            request, ports.workerId(), ports.platformName(), settings),
                        request.function()))
        .whenComplete(
            (acquired, failure) -> {
              if (failure != null || acquired == null) {
                self.tell(new AcquireFailed(failure != null ? failure : new NullPointerException()));
              } else if (handoff.offer(acquired.container())) {
                self.tell(new ContainerReady(acquired));
              } else {
                ASYNC_LOG.info("Activation [{}]: removing a container that came too late", id);
                acquired.container().remove();
              }
            });
    return acquiring();
  }

  private Behavior<Command> acquiring() {
    return receive()
        .onMessage(ContainerReady.class, this::onContainerReady)
        .onMessage(AcquireFailed.class, this::onAcquireFailed)
        .onMessageEquals(
            Step.ACQUIRE_DEADLINE,
            () -> {
              context.getLog().warn("Activation [{}]: no container within [{}]", id,
                  settings.acquireTimeout());
              acquiredAt = now();
              return finishing(Verdict.failed(FailureKind.PLATFORM_ERROR, null));
            })
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  private Behavior<Command> onStop() {
    context.getLog().warn("Activation [{}] stopped: its worker is stopping", id);
    if (acquiredAt == null) {
      acquiredAt = now();
    }
    if (runStart != null && runEnd == null) {
      runEnd = now();
    }
    if (killSwitch != null) {
      killSwitch.shutdown();
    }
    kill();
    return finishing(Verdict.failed(FailureKind.WORKER_STOPPED, null));
  }

  private Behavior<Command> onContainerReady(ContainerReady ready) {
    timers.cancel(Step.ACQUIRE_DEADLINE);
    container = ready.acquired().container();
    warm = ready.acquired().warm();
    acquiredAt = now();
    runStart = acquiredAt;
    timers.startSingleTimer(Step.FUNCTION_DEADLINE, Duration.ofMillis(request.function().timeoutMs()));
    Pair<UniqueKillSwitch, CompletionStage<OutputCapture>> run;
    try {
      run =
          OutputCapture.collect(
              container.run(ContainerSpecs.stdin(request)),
              settings.stdoutCapBytes(),
              settings.logCapBytes(),
              Materializer.matFromSystem(context.getSystem()));
    } catch (RuntimeException e) {
      context.getLog().warn("Activation [{}]: its output could not be read", id, e);
      runEnd = now();
      kill();
      return finishing(Verdict.failed(FailureKind.PLATFORM_ERROR, null));
    }
    killSwitch = run.first();
    context.pipeToSelf(
        run.second(),
        (capture, failure) -> failure == null ? new OutputDone(capture) : new OutputFailed(failure));
    return running();
  }

  private Behavior<Command> onAcquireFailed(AcquireFailed failed) {
    timers.cancel(Step.ACQUIRE_DEADLINE);
    acquiredAt = now();
    Throwable cause = unwrap(failed.failure());
    if (cause instanceof ContainerFailure.ImageNotFound) {
      context.getLog().info("Activation [{}]: image [{}] not found", id, request.function().image());
      return finishing(Verdict.failed(FailureKind.IMAGE_NOT_FOUND, null));
    }
    context.getLog().warn("Activation [{}]: no container: [{}]", id, cause.toString());
    return finishing(Verdict.failed(FailureKind.PLATFORM_ERROR, null));
  }

  private Behavior<Command> running() {
    return receive()
        .onMessage(OutputDone.class, this::onOutputDone)
        .onMessage(
            OutputFailed.class,
            failed -> {
              context.getLog().warn("Activation [{}]: reading its output failed: [{}]", id,
                  unwrap(failed.failure()).toString());
              runEnd = now();
              kill();
              return finishing(
                  timedOut ? Verdict.timeout() : Verdict.failed(FailureKind.PLATFORM_ERROR, null));
            })
        .onMessageEquals(Step.FUNCTION_DEADLINE, this::onFunctionDeadline)
        .onMessageEquals(
            Step.KILL_GRACE,
            () -> {
              killSwitch.shutdown();
              return Behaviors.same();
            })
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  private Behavior<Command> onFunctionDeadline() {
    context.getLog().info("Activation [{}] ran past its [{}] ms: killing it", id,
        request.function().timeoutMs());
    timedOut = true;
    if (killSwitch != null) {
      killSwitch.shutdown();
    }
    kill();
    return Behaviors.same();
  }

  private Behavior<Command> onOutputDone(OutputDone done) {
    runEnd = now();
    capture = done.capture();
    if (capture.overflow()) {
      context.getLog().info("Activation [{}]: stdout over [{}] bytes, killing it", id,
          settings.stdoutCapBytes());
      kill();
    }
    if (timedOut || capture.overflow()) {
      // The verdict is known and the kill sent: the exit would tell nothing more, and a loaded
      // engine takes seconds to kill (a flooding container's log drains first). The container
      // is removed after the answer, its slot held until then.
      return finishing(verdictAfterKill());
    }
    context.pipeToSelf(
        container.exit(),
        (exit, failure) -> failure == null ? new Exited(exit) : new ExitFailed(failure));
    return awaitingExit();
  }

  private Behavior<Command> awaitingExit() {
    return receive()
        .onMessage(Exited.class, exited -> finishing(verdictFor(exited.exit())))
        .onMessage(
            ExitFailed.class,
            failed -> {
              context.getLog().warn("Activation [{}]: its exit was not seen: [{}]", id,
                  unwrap(failed.failure()).toString());
              return finishing(verdictAfterKill());
            })
        .onMessageEquals(Step.FUNCTION_DEADLINE, this::onFunctionDeadline)
        .onMessageEquals(
            Step.KILL_GRACE,
            () -> {
              context.getLog().warn("Activation [{}]: no exit within [{}] of its kill", id,
                  settings.killGrace());
              return finishing(verdictAfterKill());
            })
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  private Verdict verdictFor(ContainerExit exit) {
    if (timedOut || capture.overflow()) {
      return verdictAfterKill();
    }
    if (exit.exitCode() == 0) {
      return Verdict.success();
    }
    if (exit.oomKilled()) {
      return Verdict.failed(FailureKind.OUT_OF_MEMORY, exit.exitCode());
    }
    return Verdict.failed(FailureKind.NON_ZERO_EXIT, exit.exitCode());
  }

  private Verdict verdictAfterKill() {
    if (timedOut) {
      return Verdict.timeout();
    }
    if (capture != null && capture.overflow()) {
      return Verdict.failed(FailureKind.OUTPUT_TOO_LARGE, null);
    }
    return Verdict.failed(FailureKind.PLATFORM_ERROR, null);
  }

  private Behavior<Command> finishing(Verdict verdict) {
    timers.cancel(Step.ACQUIRE_DEADLINE);
    timers.cancel(Step.FUNCTION_DEADLINE);
    timers.cancel(Step.KILL_GRACE);
    ActivationRecord record = record(verdict, now());
    context.getLog().info("Activation [{}] of [{}] finished [{}] [{}] in [{}] ms", id,
        record.function(), record.status(), record.failure(), record.durationMs());
    timers.startSingleTimer(Step.SETTLE_DEADLINE, settings.settleTimeout());
    timers.startSingleTimer(Step.REMOVE, REMOVE_UNSETTLED_AFTER);
    writeRecord(record);
    ack();
    return finishing(record);
  }

  private void writeRecord(ActivationRecord record) {
    recordAttempts++;
    // Piped as Done, never as a null Void: see notNull.
    context.pipeToSelf(notNull(attempt(() -> ports.store().put(record))),
        (ok, f) -> new RecordWritten(f));
  }

  private void ack() {
    ackAttempts++;
    context.pipeToSelf(notNull(attempt(item::ack)), (ok, f) -> new Acked(f));
  }

  private Behavior<Command> finishing(ActivationRecord record) {
    return receive()
        .onMessage(
            RecordWritten.class,
            written -> {
              if (written.failure() == null) {
                recordWritten = true;
                return settleWhenDone();
              }
              return retryLater(Step.RETRY_RECORD, recordAttempts, "writing its record",
                  written.failure());
            })
        .onMessage(
            Acked.class,
            ack -> {
              if (ack.failure() == null) {
                acked = true;
                return settleWhenDone();
              }
              return retryLater(Step.RETRY_ACK, ackAttempts, "acking it", ack.failure());
            })
        .onMessageEquals(
            Step.RETRY_RECORD,
            () -> {
              writeRecord(record);
              return Behaviors.same();
            })
        .onMessageEquals(
            Step.RETRY_ACK,
            () -> {
              ack();
              return Behaviors.same();
            })
        .onMessageEquals(
            Step.SETTLE_DEADLINE,
            () -> {
              context.getLog().warn("Activation [{}]: not settled within [{}] (record written:"
                  + " [{}], acked: [{}]), answering anyway", id, settings.settleTimeout(),
                  recordWritten, acked);
              return settle();
            })
        .onMessageEquals(
            Step.SETTLED,
            () -> {
              // After the ack, so a caller who gets this answer finds its place free again.
              item.reply(new WorkerEvent.Completed(id, record));
              timers.cancel(Step.HEARTBEAT);
              settled = true;
              if (removeStarted) {
                return doneWhenSettledAndRemoved();
              }
              // A moment later: the answer is still on its way (on a node that is also an API
              // node it needs the CPU), and the engine work of the removal, and of the pool's
              // replacement start that waits for it, would compete with it.
              timers.startSingleTimer(Step.REMOVE, REMOVE_AFTER_ANSWER);
              return Behaviors.same();
            })
        .onMessageEquals(
            Step.REMOVE,
            () -> {
              startRemoval();
              return doneWhenSettledAndRemoved();
            })
        .onMessageEquals(Step.REMOVED, this::onRemoved)
        .onMessageEquals(
            Step.REMOVE_DEADLINE,
            () -> {
              context.getLog().warn("Activation [{}]: container [{}] not removed within [{}]", id,
                  container.id(), settings.removeTimeout());
              return onRemoved();
            })
        .onMessage(
            ContainerReady.class,
            late -> {
              // A container that arrived after the acquire deadline.
              container = late.acquired().container();
              startRemoval();
              return Behaviors.same();
            })
        .onAnyMessage(late -> Behaviors.same())
        .build();
  }

  private Behavior<Command> settleWhenDone() {
    if (!recordWritten || !acked) {
      return Behaviors.same();
    }
    if (recordAttempts > 1 || ackAttempts > 1) {
      context.getLog().info("Activation [{}] settled after [{}] record writes and [{}] acks", id,
          recordAttempts, ackAttempts);
    }
    return settle();
  }

  /** Once: no more retries, and the answer goes out. */
  private Behavior<Command> settle() {
    if (settling) {
      return Behaviors.same();
    }
    settling = true;
    timers.cancel(Step.SETTLE_DEADLINE);
    timers.cancel(Step.RETRY_RECORD);
    timers.cancel(Step.RETRY_ACK);
    context.getSelf().tell(Step.SETTLED);
    return Behaviors.same();
  }

  /**
   * A write or an ack failed: try again after a backoff, and remove the container meanwhile
   * rather than after the answer, which may be a while.
   */
  private Behavior<Command> retryLater(Step retry, int attempts, String what, Throwable failure) {
    if (settling) {
      return Behaviors.same();
    }
    if (attempts == 1) {
      ASYNC_LOG.warn("Activation [{}]: [{}] failed, retrying: [{}]", id, what,
          unwrap(failure).toString());
    } else {
      ASYNC_LOG.debug("Activation [{}]: [{}] failed again ([{}] attempts): [{}]", id, what,
          attempts, unwrap(failure).toString());
    }
    timers.startSingleTimer(retry, settleBackoff(attempts));
    startRemoval();
    return Behaviors.same();
  }

  /** 250 ms, doubling up to 2 s. */
  static Duration settleBackoff(int attempts) {
    long millis = SETTLE_RETRY_MIN.toMillis() << Math.min(Math.max(0, attempts - 1), 16);
    return Duration.ofMillis(Math.min(millis, SETTLE_RETRY_MAX.toMillis()));
  }

  private void startRemoval() {
    if (container == null) {
      removed = true;
      return;
    }
    if (removeStarted) {
      return;
    }
    removeStarted = true;
    removed = false;
    timers.startSingleTimer(Step.REMOVE_DEADLINE, settings.removeTimeout());
    context.pipeToSelf(
        notNull(logged(attempt(container::remove), "removing its container")),
        (ok, f) -> Step.REMOVED);
  }

  private Behavior<Command> onRemoved() {
    timers.cancel(Step.REMOVE_DEADLINE);
    removed = true;
    return doneWhenSettledAndRemoved();
  }

  private Behavior<Command> doneWhenSettledAndRemoved() {
    if (settled && removed) {
      parent.tell(new Finished(id));
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  private ActivationRecord record(Verdict verdict, Instant end) {
    boolean keepStdout = capture != null && !capture.overflow();
    Optional<PreCall> preCall = container == null ? Optional.empty() : container.preCall();
    return new ActivationRecord(
        id,
        request.function().owner(),
        request.function().name(),
        verdict.status(),
        verdict.failure(),
        verdict.exitCode(),
        keepStdout ? capture.stdout().toArray() : new byte[0],
        capture == null ? "" : new String(capture.stderr().toArray(), StandardCharsets.UTF_8),
        capture != null && capture.logsTruncated(),
        request.submittedAt(),
        ActivationRecords.millisBetween(request.submittedAt(), end),
        ports.workerId(),
        warm,
        ActivationRecords.millisBetween(request.submittedAt(), acceptedAt),
        ActivationRecords.millisBetween(acquireStart, acquiredAt),
        ActivationRecords.millisBetween(runStart, runEnd),
        preCall.map(PreCall::cpuMs).orElse(null),
        preCall.map(PreCall::frozen).orElse(null));
  }

  private void heartbeat() {
    if (!settled) {
      logged(attempt(item::inProgress), "marking it in progress");
      item.reply(new WorkerEvent.Heartbeat(id));
    }
  }

  private void kill() {
    if (killed || container == null) {
      return;
    }
    killed = true;
    logged(attempt(container::kill), "killing its container");
    timers.startSingleTimer(Step.KILL_GRACE, settings.killGrace());
  }

  private BehaviorBuilder<Command> receive() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(
            Step.HEARTBEAT,
            () -> {
              heartbeat();
              return Behaviors.same();
            })
        .onSignal(PostStop.class, signal -> onPostStop());
  }

  /** Also runs after a crash: whatever container this runner got must not outlive it. */
  private Behavior<Command> onPostStop() {
    Container offered = handoff.close();
    if (killSwitch != null) {
      killSwitch.shutdown();
    }
    if (offered != null && !removeStarted) {
      removeStarted = true;
      logged(attempt(offered::remove), "removing its container");
    }
    return Behaviors.same();
  }

  private Instant now() {
    return ports.clock().instant();
  }

  private CompletionStage<Void> logged(CompletionStage<?> stage, String what) {
    return stage.handle(
        (ok, failure) -> {
          if (failure != null) {
            ASYNC_LOG.warn("Activation [{}]: [{}] failed: [{}]", id, what,
                unwrap(failure).toString());
          }
          return null;
        });
  }

  /** A port's call as a stage, a synchronous throw included. */
  private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The stage's end as {@link Done}: a stage piped to an actor that has stopped meanwhile becomes a
   * dead letter, and Pekko's dead-letter logging fails on a null value (a {@code Void} stage's).
   */
  private static CompletionStage<Done> notNull(CompletionStage<?> stage) {
    return stage.thenApply(v -> Done.getInstance());
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
