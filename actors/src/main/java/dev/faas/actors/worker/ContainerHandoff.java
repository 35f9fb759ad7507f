package dev.faas.actors.worker;

import dev.faas.actors.runtime.Container;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a container from the future that started it to its runner, or back to the starter when
 * the runner has already stopped, so a container that arrives late is removed rather than leaked.
 */
final class ContainerHandoff {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerActor.class);

  private Container container;
  private boolean closed;

  /**
   * When {@code acquiring} completes: {@code ready} with a container the runner takes over,
   * {@code failed} with why none came (a null result included), or, once the runner has stopped,
   * the container's removal right here.
   */
  void deliver(CompletionStage<ContainerSource.Acquired> acquiring,
      Consumer<ContainerSource.Acquired> ready, Consumer<Throwable> failed, String activationId) {
    acquiring.whenComplete(
        (acquired, failure) -> {
          if (failure != null || acquired == null) {
            failed.accept(failure != null ? failure : new NullPointerException());
          } else if (offer(acquired.container())) {
            ready.accept(acquired);
          } else {
            LOG.info("Activation [{}]: removing a container that came too late", activationId);
            acquired.container().remove();
          }
        });
  }

  /** True when the runner will take care of {@code c}; false: the caller must remove it. */
  synchronized boolean offer(Container c) {
    if (closed) {
      return false;
    }
    container = c;
    return true;
  }

  /** Closes the handoff; returns the container offered so far, if any. */
  synchronized Container close() {
    closed = true;
    Container c = container;
    container = null;
    return c;
  }
}
