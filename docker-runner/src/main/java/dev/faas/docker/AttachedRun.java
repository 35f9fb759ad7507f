package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.OutputFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one run of a container, from the materialization of its output source to its end.
 *
 * <ol>
 *   <li>Attach stdout and stderr first ({@code logs=true} on a pre-started container, so that
 *       anything written before the attach is replayed). The engine connects the attach to the
 *       container's pipes before it answers, so once the attach has started no later output can be
 *       missed.
 *   <li>Then attach stdin on a call of its own, write the input, and close that call once the
 *       input is written: the engine then closes the container's stdin (ENVIRONMENT.md, gotcha 2).
 *   <li>A container created for arguments is started only now, after both attaches, so that its
 *       output is streamed live rather than read back from the engine's log.
 *   <li>The source completes when the attach ends (the process closed its output); the consumer
 *       cancelling, or the container's removal, closes both calls without killing anything.
 *   <li>Guard: the engine never ends an attach made after the process had already exited (a
 *       crashed pre-started container). Once the container has exited, an attach that stays idle
 *       for {@link DockerSettings#exitedAttachGrace()} is closed; its output came from the replay.
 * </ol>
 */
final class AttachedRun {
  private static final Logger log = LoggerFactory.getLogger(AttachedRun.class);

  private final DockerContainer container;
  private final DockerClient streams;
  private final Executor executor;
  private final DockerSettings settings;
  private final byte[] input;
  private final AtomicBoolean begun = new AtomicBoolean();
  private volatile OutputCallback output;
  private volatile StdinCallback stdin;
  private volatile boolean detached;

  AttachedRun(
      DockerContainer container,
      DockerClient streams,
      Executor executor,
      DockerSettings settings,
      byte[] input) {
    this.container = container;
    this.streams = streams;
    this.executor = executor;
    this.settings = settings;
    this.input = input.clone();
  }

  /** Starts the run, feeding {@code queue}; called when the output source is materialized. */
  void begin(SourceQueueWithComplete<OutputFrame> queue) {
    if (!begun.compareAndSet(false, true)) {
      queue.fail(new IllegalStateException("a container's output can be consumed only once"));
      return;
    }
    OutputCallback out = new OutputCallback(queue);
    output = out;
    queue.watchCompletion().whenComplete((done, failure) -> detach());
    Async.run(executor, () -> attachOutput(out))
        .thenCompose(v -> out.started())
        // A consumer that has already gone wants no input written and no process started.
        .thenCompose(v -> detached ? done() : attachStdin())
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

  /** Frames received so far, for tests of backpressure; 0 before the attach. */
  long framesReceived() {
    OutputCallback out = output;
    return out == null ? 0 : out.frames();
  }

  /** Closes both attach calls; the output source completes with what it already has. */
  void detach() {
    detached = true;
    OutputCallback out = output;
    if (out != null) {
      out.close();
    }
    StdinCallback in = stdin;
    if (in != null) {
      in.close();
    }
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  private void attachOutput(OutputCallback out) {
    streams
        .attachContainerCmd(container.id())
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(true)
        // A container started on run() has written nothing yet: no replay needed.
        .withLogs(!container.startsOnRun())
        .exec(out);
  }

  private CompletableFuture<Void> attachStdin() {
    StdinCallback in = new StdinCallback();
    stdin = in;
    streams
        .attachContainerCmd(container.id())
        .withStdIn(in.input(input))
        .withFollowStream(true)
        .exec(in);
    in.written().thenAcceptAsync(writer -> endInput(in, writer), executor);
    return in.started();
  }

  private static void endInput(StdinCallback in, Thread writer) {
    try {
      // Closing the connection while docker-java's writer still finishes its request (it was
      // only told end of input) would fail that thread noisily; it ends within microseconds.
      writer.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
  }

  private void guardAfterExit() {
    OutputCallback out = output;
    if (out == null || out.finished().isDone()) {
      return;
    }
    long graceNanos = settings.exitedAttachGrace().toNanos();
    Executor later =
        CompletableFuture.delayedExecutor(graceNanos, TimeUnit.NANOSECONDS, executor);
    later.execute(
        () -> {
          if (out.finished().isDone()) {
            return;
          }
          if (out.idleFor(graceNanos)) {
            log.warn(
                "Container [{}] exited but its output attach stayed open; closing it",
                container.id());
            out.close();
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
