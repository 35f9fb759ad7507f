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
   * Removes every container carrying all of {@code labels} that this runtime is not using: what a
   * previous run of the same worker left, or what an engine restart left behind. Completes with
   * how many.
   */
  CompletionStage<Integer> removeLeftovers(Map<String, String> labels);

  /**
   * Completes normally when the engine can start a container: it started one lately, or a probe
   * container was started now. Fails with {@link ContainerFailure.EngineUnavailable} otherwise.
   */
  CompletionStage<Void> probe();
}
