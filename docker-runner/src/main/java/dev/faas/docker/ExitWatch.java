package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.WaitResponse;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * How one container's process ended: its {@code die} event or a wait call, whichever answers
 * first (see {@link DieEvents}; both on docker-java's threads, so no executor thread waits for a
 * function), then for a non-zero code the engine's record of the exit, read by inspecting the
 * container, since on cgroup v1 a wait cannot tell a memory kill (137) from any other SIGKILL.
 */
final class ExitWatch {
  /** 128 + SIGKILL: what a process killed by the kernel's OOM killer, or by kill(), exits with. */
  private static final int SIGKILL_EXIT = 137;

  private final String id;
  private final DockerClient control;
  private final DockerClient streams;
  private final Executor executor;
  private final DieEvents dieEvents;
  private volatile WaitCallback waitCall;

  ExitWatch(
      String id,
      DockerClient control,
      DockerClient streams,
      Executor executor,
      DieEvents dieEvents) {
    this.id = id;
    this.control = control;
    this.streams = streams;
    this.executor = executor;
    this.dieEvents = dieEvents;
  }

  /**
   * Completes when the started process has exited.
   *
   * @param killedByRuntime true once the runtime has killed or removed the container: its 137 is
   *     then no evidence of a memory kill
   */
  CompletableFuture<ContainerExit> watch(BooleanSupplier killedByRuntime) {
    return waitForExit()
        .thenCompose(
            code ->
                // A process that exited 0 succeeded whatever else the engine recorded (a child
                // killed for memory does not change the verdict), so the inspect round trip is
                // spent only on the exits that need telling apart.
                code == 0
                    ? CompletableFuture.completedFuture(new ContainerExit(0, false))
                    : Async.supply(executor, () -> inspectExit(code))
                        .thenCompose(inspected -> confirmMemoryKill(inspected, killedByRuntime)));
  }

  /** The exit code from the die event or the wait call, whichever comes first. */
  private CompletableFuture<Integer> waitForExit() {
    CompletableFuture<Integer> code = new CompletableFuture<>();
    dieEvents.exitOf(id).thenAccept(code::complete);
    WaitCallback call = new WaitCallback(code);
    waitCall = call;
    streams.waitContainerCmd(id).exec(call);
    return code;
  }

  /**
   * Closes the wait call, if it is still open: for a container that is being removed, or that
   * the engine cannot remove (its wait would otherwise hold a connection for as long as the
   * engine holds the container).
   */
  void close() {
    WaitCallback call = waitCall;
    if (call != null) {
      call.close();
    }
  }

  /** The exit as the engine recorded it, and when the process started (null if unknown). */
  private record Inspected(ContainerExit exit, Instant startedAt) {}

  private Inspected inspectExit(int waitedCode) {
    try {
      InspectContainerResponse.ContainerState state =
          control.inspectContainerCmd(id).exec().getState();
      Long exitCode = state.getExitCodeLong();
      return new Inspected(
          new ContainerExit(
              exitCode == null ? waitedCode : exitCode.intValue(),
              Boolean.TRUE.equals(state.getOOMKilled())),
          parseInstant(state.getStartedAt()));
    } catch (RuntimeException e) {
      if (EngineErrors.isNotFound(e)) {
        // Removed meanwhile: the wait's code stands.
        return new Inspected(new ContainerExit(waitedCode, false), null);
      }
      throw e;
    }
  }

  /**
   * A SIGKILL (137) this runtime did not send, without the engine's out-of-memory flag, is looked
   * up in the engine's events: the flag loses a race on cgroup v1 (see {@link OomEvents}).
   */
  private CompletableFuture<ContainerExit> confirmMemoryKill(
      Inspected inspected, BooleanSupplier killedByRuntime) {
    ContainerExit exit = inspected.exit();
    if (exit.oomKilled() || exit.exitCode() != SIGKILL_EXIT || killedByRuntime.getAsBoolean()) {
      return CompletableFuture.completedFuture(exit);
    }
    Instant since =
        inspected.startedAt() == null
            ? Instant.now().minus(Duration.ofHours(1))
            : inspected.startedAt().minusSeconds(1);
    return OomEvents.seen(streams, id, since)
        .thenApply(oom -> oom ? new ContainerExit(exit.exitCode(), true) : exit);
  }

  private static Instant parseInstant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Completes {@code code} with the status of one wait call; no logging of its own. */
  private static final class WaitCallback extends EngineCallback<WaitResponse> {
    private final CompletableFuture<Integer> code;

    WaitCallback(CompletableFuture<Integer> code) {
      this.code = code;
    }

    @Override
    public void onNext(WaitResponse response) {
      Integer status = response.getStatusCode();
      code.complete(status == null ? -1 : status);
    }

    @Override
    public void onError(Throwable failure) {
      code.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      code.completeExceptionally(
          new ContainerFailure("the engine ended the wait without an exit status", null));
      close();
    }
  }
}
