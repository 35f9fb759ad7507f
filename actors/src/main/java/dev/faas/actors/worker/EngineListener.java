package dev.faas.actors.worker;

/**
 * Told whether a worker's container engine can start containers, each time that changes, so that
 * a node can answer its readiness probe from it; the actors know no HTTP.
 */
@FunctionalInterface
public interface EngineListener {
  EngineListener NONE = (canStart, detail) -> {};

  /**
   * Called on the worker's own thread; it must return at once.
   *
   * @param canStart true when the engine's last check passed
   * @param detail why the last check failed; empty when it passed
   */
  void changed(boolean canStart, String detail);
}
