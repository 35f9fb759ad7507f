package dev.faas.actors.worker;

import dev.faas.actors.runtime.Container;

/**
 * Hands a container from the future that started it to its runner, or back to the starter when
 * the runner has already stopped, so a container that arrives late is removed rather than leaked.
 */
final class ContainerHandoff {
  private Container container;
  private boolean closed;

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
