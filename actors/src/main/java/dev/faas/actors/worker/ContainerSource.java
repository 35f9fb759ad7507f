package dev.faas.actors.worker;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.concurrent.CompletionStage;

/**
 * Where a runner gets the one container for its activation: started now (cold), or taken from a
 * pool of untouched containers started ahead of time (warm). Either way the container is fresh,
 * its process blocked on stdin, and the runner removes it when the activation is over.
 */
public interface ContainerSource {

  /** A container for one activation; {@code warm} when it was started ahead of time. */
  record Acquired(Container container, boolean warm) {}

  /**
   * A container shaped by {@code spec} for an activation of {@code function}. Fails like {@link
   * dev.faas.actors.runtime.ContainerRuntime#start}: image not found, or engine unavailable.
   */
  CompletionStage<Acquired> acquire(ContainerSpec spec, FunctionSpec function);
}
