package dev.faas.actors.worker;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.concurrent.CompletionStage;

/** Starts a new container for every activation. */
public final class ColdContainerSource implements ContainerSource {
  private final ContainerRuntime runtime;

  public ColdContainerSource(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public CompletionStage<Acquired> acquire(ContainerSpec spec, FunctionSpec function) {
    return runtime.start(spec).thenApply(container -> new Acquired(container, false));
  }
}
