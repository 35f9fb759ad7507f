package dev.faas.actors.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A container engine, seen from the actors. Implementations run their blocking calls on their
 * own executor and never block the caller's thread.
 */
public interface ContainerRuntime {

  /**
   * Creates and starts a container from {@code spec}, sandboxed, its stdin open and its process
   * blocked reading it. Fails with {@link ContainerFailure.ImageNotFound} when the image is not
   * present and {@link ContainerFailure.EngineUnavailable} when the engine fails.
   */
  CompletionStage<Container> start(ContainerSpec spec);

  /** Removes every container carrying all of {@code labels}; completes with how many. */
  CompletionStage<Integer> removeLabelled(Map<String, String> labels);

  /**
   * Removes every container carrying all of {@code labels} that was created more than {@code age}
   * ago; completes with how many.
   */
  CompletionStage<Integer> removeOlderThan(Map<String, String> labels, Duration age);

  /**
   * Takes, or renews, worker {@code workerId}'s lease on the engine (a mark that lives exactly as
   * long as this process), then removes the platform's containers no live worker holds: this
   * worker's that this runtime is not using (what its previous run, or an engine restart, left),
   * and those of workers whose lease has ended (killed). Completes with how many it removed.
   */
  CompletionStage<Integer> removeOrphans(String workerId);

  /**
   * Completes normally when the engine can start a container: it started one lately, or a probe
   * container was started now. Fails with {@link ContainerFailure.EngineUnavailable} otherwise.
   */
  CompletionStage<Void> probe();
}
