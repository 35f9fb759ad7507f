package dev.faas.actors.runtime;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One started container whose process waits for its parameter on stdin. It serves exactly one
 * activation: {@link #run} may be called once.
 */
public interface Container {

  /** The engine's id of the container. */
  String id();

  /**
   * Writes {@code input} to the container's stdin, then closes it (end of input), and streams
   * stdout and stderr as they come. The source completes when the process has closed both; it
   * is bounded by its consumer's demand, and cancelling it detaches without killing.
   */
  Source<OutputFrame, NotUsed> run(byte[] input);

  /**
   * What the container did while it waited for its run (docs/decisions/0008), once known: by the
   * end of the run's output at the latest. Empty when the runtime cannot tell (a container started
   * by its run, or a runtime that does not watch).
   */
  default Optional<PreCall> preCall() {
    return Optional.empty();
  }

  /**
   * The pull of its image this container's start waited for; empty when the image was there (or
   * the runtime cannot tell).
   */
  default Optional<ImagePull> pulled() {
    return Optional.empty();
  }

  /** Completes when the process exits. */
  CompletionStage<ContainerExit> exit();

  /** Kills the process (SIGKILL); completes normally when it had already exited. */
  CompletionStage<Void> kill();

  /** Removes the container, killing it first if needed; idempotent. */
  CompletionStage<Void> remove();
}
