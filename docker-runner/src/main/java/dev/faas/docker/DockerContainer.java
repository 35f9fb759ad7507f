package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.ImagePull;
import dev.faas.actors.runtime.PreCall;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One container created by {@link DockerContainerRuntime}. Its exit is watched once (from the run
 * or the first {@link #exit()}) and shared by every caller; {@link #remove()} is done once and
 * shared too.
 */
final class DockerContainer implements Container {
  private final String id;
  private final String image;
  private final Engine engine;
  private final DockerClient control;
  private final Executor executor;
  private final DockerSettings settings;
  private final boolean startsOnRun;
  private final boolean underFaasInit;
  private final ExitWatch exitWatch;
  private final DieEvents dieEvents;
  /** Completes once the process has been started: at creation, or by the run for args mode. */
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final AtomicBoolean runCalled = new AtomicBoolean();
  private final AtomicReference<CompletableFuture<ContainerExit>> exit = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<Void>> removal = new AtomicReference<>();
  private final AttachedRun run;
  private volatile boolean stopping;
  private volatile boolean endedByMarks;
  /** What faas-init's call mark said; null before it. */
  private volatile PreCall markedPreCall;
  /** The engine's bound before the call, for a pre-started container faas-init does not watch. */
  private final PreCallPause preCallPause;
  private volatile ImagePull pulled;

  DockerContainer(String id, String image, boolean startsOnRun, boolean underFaasInit, Engine engine) {
    this.id = id;
    this.image = image;
    this.startsOnRun = startsOnRun;
    this.underFaasInit = underFaasInit;
    this.engine = engine;
    this.control = engine.control();
    this.executor = engine.executor();
    this.settings = engine.settings();
    this.dieEvents = engine.dieEvents();
    // Before any start: a process that dies at once must not beat the registration.
    dieEvents.exitOf(id);
    this.exitWatch = new ExitWatch(id, control, engine.streams(), executor, dieEvents);
    this.run = new AttachedRun(this, engine.streams(), executor, settings);
    this.preCallPause =
        startsOnRun || underFaasInit
            ? null
            : new PreCallPause(id, control, executor, () -> stopping);
    if (!startsOnRun) {
      started.complete(null);
    }
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Nothing happens until the source is materialized; a container that was {@link #attach
   * attached} ahead only hands over its input then. At most {@code outputBufferFrames}
   * frames wait for the consumer; beyond that, reading stops (see {@link OutputCallback}). The
   * source fails with a {@link ContainerFailure} when the engine fails.
   */
  @Override
  public Source<OutputFrame, NotUsed> run(byte[] input) {
    if (!runCalled.compareAndSet(false, true)) {
      return Source.failed(new IllegalStateException("container " + id + " has already run"));
    }
    byte[] copy = input.clone();
    return Source.<OutputFrame>queue(settings.outputBufferFrames(), OverflowStrategy.backpressure())
        .mapMaterializedValue(
            queue -> {
              if (preCallPause == null) {
                run.begin(queue, copy);
              } else {
                preCallPause
                    .beforeRun()
                    .whenComplete(
                        (v, failure) -> {
                          if (failure == null) {
                            run.begin(queue, copy);
                          } else {
                            queue.fail(Async.cause(failure));
                          }
                        });
              }
              return NotUsed.notUsed();
            });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Under faas-init, what its call mark said (the CPU used and whether it was frozen); not
   * under it, whether the engine paused the container, its CPU unknown (docs/decisions/0008).
   */
  @Override
  public Optional<PreCall> preCall() {
    if (preCallPause != null) {
      return Optional.of(new PreCall(null, preCallPause.pausedBeforeRun()));
    }
    return Optional.ofNullable(markedPreCall);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The exit code and the out-of-memory flag come from inspecting the container once its wait
   * returns, and for a 137 the engine did not flag, from its events (see {@link ExitWatch}).
   */
  @Override
  public CompletionStage<ContainerExit> exit() {
    return Async.unwrapped(exitFuture());
  }

  /**
   * {@inheritDoc}
   *
   * <p>A container that never ran (a pre-started one given up) has its output attach closed
   * first: nobody will read its output, and the engine does not finish killing a container whose
   * output it is still copying into an attach nobody reads.
   */
  @Override
  public CompletionStage<Void> kill() {
    stopping = true;
    started.completeExceptionally(AttachedRun.stoppedBeforeStart(id));
    if (!runCalled.get()) {
      run.detachOutput();
    }
    return Async.unwrapped(
        Async.run(
            executor,
            () -> {
              try {
                control.killContainerCmd(id).exec();
              } catch (RuntimeException e) {
                // Not running (409) or gone (404): what a kill was for has happened.
                if (!EngineErrors.isConflict(e) && !EngineErrors.isNotFound(e)) {
                  throw EngineErrors.of("kill container " + id, e);
                }
              }
            }));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes once the container is gone, or once the engine failed to remove it within its
   * deadline and it was set aside: its removal is then retried in the background ({@link
   * StuckContainers}), and this container's streams and wait are closed all the same.
   */
  @Override
  public CompletionStage<Void> remove() {
    CompletableFuture<Void> created = new CompletableFuture<>();
    if (!removal.compareAndSet(null, created)) {
      return Async.unwrapped(removal.get());
    }
    stopping = true;
    started.completeExceptionally(AttachedRun.stoppedBeforeStart(id));
    // The output attach goes first. The engine does not finish a container while it still
    // copies the container's output into an attach, so an attach nobody reads any more (a
    // pre-started container's, whose process writes before it reads its input) would hold the
    // kill and the removal below for good, and the engine with them. Its stdin stays open until
    // it is gone: closing it would wake a waiting process with an empty input.
    run.detachOutput();
    Async.run(executor, this::forceRemove)
        .whenComplete(
            (v, failure) -> {
              letGo();
              if (failure != null) {
                engine.stuck().setAside(id, failure);
              }
              created.complete(null);
            });
    return Async.unwrapped(created);
  }

  /** The container's exit, watched once; completes when the process has exited. */
  CompletableFuture<ContainerExit> exitFuture() {
    CompletableFuture<ContainerExit> existing = exit.get();
    if (existing != null) {
      return existing;
    }
    CompletableFuture<ContainerExit> created = new CompletableFuture<>();
    if (!exit.compareAndSet(null, created)) {
      return exit.get();
    }
    started
        .thenCompose(v -> exitWatch.watch(() -> stopping))
        .whenComplete(
            (result, failure) -> {
              if (failure == null) {
                created.complete(result);
              } else {
                created.completeExceptionally(
                    EngineErrors.of("wait for container " + id, failure));
              }
            });
    return created;
  }

  /**
   * Makes the run's attach calls now, before the container is started (see {@link AttachedRun}),
   * so that its run costs no round trip to the engine.
   */
  CompletableFuture<Void> attach() {
    return run.attach();
  }

  /**
   * Gives up a container that will never run (it failed to attach or start): closes its calls,
   * stops waiting for its exit and force-removes it, or sets it aside; blocking.
   */
  void discard() {
    run.detachOutput();
    try {
      forceRemove();
    } catch (RuntimeException e) {
      engine.stuck().setAside(id, e);
    } finally {
      letGo();
    }
  }

  /**
   * Closes its calls (stdin and wait) and forgets the container: it is removed, or no longer this
   * one's to remove.
   */
  private void letGo() {
    run.detach();
    exitWatch.close();
    dieEvents.forget(id);
    engine.owned().remove(id);
  }

  /** True when the container's PID 1 is faas-init: its output carries {@link ExitMarks}. */
  boolean underFaasInit() {
    return underFaasInit;
  }

  /**
   * faas-init's trailers said the function's process exited with {@code code}. A clean exit
   * settles the container's exit now, ~30 ms before the engine would tell; any other code is left
   * to the engine, whose record alone tells a memory kill from another end.
   */
  void markedExit(int code) {
    endedByMarks = true;
    if (code == 0) {
      exitFuture().complete(new ContainerExit(0, false));
    }
  }

  /** faas-init's call mark said what the container did before its call. */
  void markedCall(PreCall usage) {
    markedPreCall = usage;
  }

  /**
   * Bounds a started container that waits for its run and that faas-init does not watch: the
   * engine pauses it once it has waited for the pre-call budget (see {@link PreCallPause}).
   */
  /** The pull its start waited for; null when none. */
  void pulledBefore(ImagePull pull) {
    this.pulled = pull;
  }

  @Override
  public Optional<ImagePull> pulled() {
    return Optional.ofNullable(pulled);
  }

  void boundBeforeCall() {
    if (preCallPause != null) {
      preCallPause.arm(settings.precallCpu());
    }
  }

  /** True once the run's output ended at faas-init's marks; for tests. */
  boolean endedByMarks() {
    return endedByMarks;
  }

  /** True when the process starts only on {@link #run}: containers of args-mode functions. */
  boolean startsOnRun() {
    return startsOnRun;
  }

  /** Frames the current run has received, for tests of backpressure. */
  long framesReceived() {
    return run.framesReceived();
  }

  /** Starts the process if it waited for its run; fails if the container was stopped meanwhile. */
  CompletableFuture<Void> startIfDeferred() {
    if (!startsOnRun) {
      return CompletableFuture.completedFuture(null);
    }
    return Async.run(
        executor,
        () -> {
          if (stopping) {
            throw AttachedRun.stoppedBeforeStart(id);
          }
          try {
            control.startContainerCmd(id).exec();
          } catch (RuntimeException e) {
            ContainerFailure failure = EngineErrors.ofStart(image, e);
            started.completeExceptionally(failure);
            throw failure;
          }
          started.complete(null);
        });
  }

  /** Kills and removes the container in one engine call; gone already counts as removed. */
  private void forceRemove() {
    try {
      control.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      // Gone already (404): removed. A removal already in progress (409) may be one the engine
      // is stuck in: the caller sets the container aside, whose next attempt tells.
      if (!EngineErrors.isNotFound(e)) {
        throw EngineErrors.of("remove container " + id, e);
      }
    }
  }
}
