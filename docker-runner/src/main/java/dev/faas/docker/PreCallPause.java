package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on a pre-started container that faas-init does not watch (faas-init switched off, or
 * no build for the engine's architecture; docs/decisions/0008): once it has waited for its run for
 * the pre-call budget, taken as wall time since nothing inside it measures its CPU, the engine
 * pauses it (the cgroup freezer); its run unpauses it before writing the input.
 *
 * <p>Docker 20.10 kills and force-removes a paused container as it does a running one (it thaws
 * it to deliver the SIGKILL), so a kill or removal needs nothing from here. A pause that fails
 * leaves the container running: the bound is lost, the call is not.
 */
final class PreCallPause {
  private static final Logger log = LoggerFactory.getLogger(PreCallPause.class);

  private enum State {
    WAITING,
    PAUSING,
    PAUSED,
    RUN
  }

  private final String id;
  private final DockerClient control;
  private final Executor executor;
  private final BooleanSupplier stopping;
  private State state = State.WAITING;
  /** The run's wait for the unpause, when it came while the pause was in flight. */
  private CompletableFuture<Void> runWaiting;
  private volatile boolean pausedBeforeRun;

  /**
   * @param stopping true once the container is being killed or removed: it is not paused then
   */
  PreCallPause(String id, DockerClient control, Executor executor, BooleanSupplier stopping) {
    this.id = id;
    this.control = control;
    this.executor = executor;
    this.stopping = stopping;
  }

  /** Pauses the container {@code budget} from now unless its run has come by then. */
  void arm(Duration budget) {
    CompletableFuture.delayedExecutor(budget.toNanos(), TimeUnit.NANOSECONDS, executor)
        .execute(this::pause);
  }

  /**
   * Completes when the run may write its input: at once if the container was not paused, after
   * the unpause otherwise; fails when the engine does not unpause it.
   */
  CompletableFuture<Void> beforeRun() {
    synchronized (this) {
      switch (state) {
        case PAUSING:
          runWaiting = new CompletableFuture<>();
          return runWaiting; // the pause, once done, unpauses
        case PAUSED:
          state = State.RUN;
          break;
        default:
          state = State.RUN;
          return CompletableFuture.completedFuture(null);
      }
    }
    return unpause();
  }

  /** True when the container was paused while it waited for its run. */
  boolean pausedBeforeRun() {
    return pausedBeforeRun;
  }

  private void pause() {
    synchronized (this) {
      if (state != State.WAITING || stopping.getAsBoolean()) {
        return;
      }
      state = State.PAUSING;
    }
    boolean paused;
    try {
      control.pauseContainerCmd(id).exec();
      paused = true;
      log.debug("Container [{}] paused: its pre-call budget is spent", id);
    } catch (RuntimeException e) {
      paused = false;
      if (!stopping.getAsBoolean()) {
        log.warn("Container [{}] could not be paused before its call: [{}]", id, e.toString());
      }
    }
    CompletableFuture<Void> waiting;
    synchronized (this) {
      pausedBeforeRun = paused;
      waiting = runWaiting;
      state = waiting != null ? State.RUN : paused ? State.PAUSED : State.RUN;
    }
    if (waiting != null) {
      if (paused) {
        unpause().whenComplete((v, failure) -> complete(waiting, failure));
      } else {
        waiting.complete(null);
      }
    }
  }

  private CompletableFuture<Void> unpause() {
    return Async.run(executor, () -> control.unpauseContainerCmd(id).exec())
        .handle(
            (v, failure) -> {
              if (failure != null) {
                throw EngineErrors.of("unpause container " + id, failure);
              }
              return null;
            });
  }

  private static void complete(CompletableFuture<Void> waiting, Throwable failure) {
    if (failure == null) {
      waiting.complete(null);
    } else {
      waiting.completeExceptionally(Async.cause(failure));
    }
  }
}
