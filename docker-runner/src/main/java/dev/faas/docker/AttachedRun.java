package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.OutputFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one run of a container: its two attach calls, made before the container starts, and the
 * run that uses them.
 *
 * <ol>
 *   <li>{@link #attach}: stdout and stderr on one call, stdin on another, both before the process
 *       starts, as {@code docker run -i} does, so no output can be missed and nothing needs
 *       replaying from the engine's log. A stdin-mode container is attached when it is created,
 *       so a container waiting in the warm pool already has both calls open and an activation
 *       spends no round trip on them; an args-mode container is attached by its run.
 *   <li>{@link #begin}: the output goes to the run's queue from then on (anything the process
 *       wrote before, such as a banner on stderr, waited for it); the input is handed to
 *       docker-java's writer, and the stdin call is closed once it is written: the engine then
 *       closes the container's stdin (ENVIRONMENT.md, gotcha 2). A container created for
 *       arguments is started only now.
 *   <li>The source completes when the output attach ends (the process closed its output), or
 *       for a container under faas-init, when its marks say the function's process has exited
 *       (docs/decisions/0006); the consumer cancelling, or the container's removal, closes both calls without killing
 *       anything.
 *   <li>Guard: should the engine leave an output attach open after the process has exited, it is
 *       closed once it has stayed idle for {@link DockerSettings#exitedAttachGrace()}.
 * </ol>
 */
final class AttachedRun {
  private static final Logger log = LoggerFactory.getLogger(AttachedRun.class);

  private final DockerContainer container;
  private final DockerClient streams;
  private final Executor executor;
  private final DockerSettings settings;
  private final OutputCallback output;
  private final StdinCallback stdin = new StdinCallback();
  private final AtomicReference<CompletableFuture<Void>> attached = new AtomicReference<>();
  private final AtomicBoolean begun = new AtomicBoolean();
  private volatile boolean detached;

  AttachedRun(
      DockerContainer container, DockerClient streams, Executor executor, DockerSettings settings) {
    this.container = container;
    this.streams = streams;
    this.executor = executor;
    this.settings = settings;
    this.output =
        container.underFaasInit()
            ? new OutputCallback(new ExitMarks(container::markedCall), container::markedExit)
            : new OutputCallback();
  }

  /**
   * Makes both attach calls (once; later calls share the first's result). Completes when the
   * engine has accepted both. Call it before the container starts.
   */
  CompletableFuture<Void> attach() {
    CompletableFuture<Void> created = new CompletableFuture<>();
    if (!attached.compareAndSet(null, created)) {
      return attached.get();
    }
    try {
      streams
          .attachContainerCmd(container.id())
          .withStdOut(true)
          .withStdErr(true)
          .withFollowStream(true)
          // Attached before the start: nothing was written yet, so nothing to replay.
          .withLogs(false)
          .exec(output);
      streams
          .attachContainerCmd(container.id())
          .withStdIn(stdin.input())
          .withFollowStream(true)
          .exec(stdin);
    } catch (RuntimeException e) {
      created.completeExceptionally(e);
      return created;
    }
    CompletableFuture.allOf(output.started(), stdin.started())
        .whenComplete(
            (v, failure) -> {
              if (failure == null) {
                created.complete(null);
              } else {
                created.completeExceptionally(Async.cause(failure));
              }
            });
    return created;
  }

  /**
   * Starts the run, feeding {@code queue} and writing {@code input}; called when the output source
   * is materialized.
   */
  void begin(SourceQueueWithComplete<OutputFrame> queue, byte[] input) {
    if (!begun.compareAndSet(false, true)) {
      queue.fail(new IllegalStateException("a container's output can be consumed only once"));
      return;
    }
    output.bind(queue);
    queue.watchCompletion().whenComplete((done, failure) -> detach());
    attach()
        .thenRun(
            () -> {
              // A consumer that has already gone wants no input written and no process started.
              if (!detached) {
                stdin.written().thenAcceptAsync(this::endInput, executor);
                stdin.release(input);
              }
            })
        .thenCompose(v -> detached ? done() : container.startIfDeferred())
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                queue.fail(EngineErrors.of("attach to container " + container.id(), failure));
                detach();
              } else {
                container.exitFuture().whenComplete((exit, f) -> guardAfterExit());
              }
            });
  }

  /** Frames received so far, for tests of backpressure. */
  long framesReceived() {
    return output.frames();
  }

  /** Closes both attach calls; the output source completes with what it already has. */
  void detach() {
    detachOutput();
    stdin.close();
  }

  /**
   * Closes the output attach alone: what a container being given up must lose first (the engine
   * does not finish a container whose output it still copies into an attach), while its stdin
   * stays open, so that a process waiting for its input is killed waiting rather than woken by
   * an end of input it would take for an empty call.
   */
  void detachOutput() {
    detached = true;
    output.close();
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  private void endInput(Thread writer) {
    try {
      // Closing the connection while docker-java's writer still finishes its request (it was
      // only told end of input) would fail that thread noisily; it ends within microseconds.
      writer.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stdin.close();
  }

  private void guardAfterExit() {
    if (output.finished().isDone()) {
      return;
    }
    long graceNanos = settings.exitedAttachGrace().toNanos();
    Executor later =
        CompletableFuture.delayedExecutor(graceNanos, TimeUnit.NANOSECONDS, executor);
    later.execute(
        () -> {
          if (output.finished().isDone()) {
            return;
          }
          if (output.idleFor(graceNanos)) {
            log.warn(
                "Container [{}] exited but its output attach stayed open; closing it",
                container.id());
            output.close();
          } else {
            guardAfterExit();
          }
        });
  }

  /** The failure a run reports when the container was stopped before it could start. */
  static ContainerFailure stoppedBeforeStart(String id) {
    return new ContainerFailure("container " + id + " was killed or removed before it ran", null);
  }
}
