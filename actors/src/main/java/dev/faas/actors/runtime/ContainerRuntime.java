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

  /** Completes normally when the engine answers. */
  CompletionStage<Void> ping();
}
