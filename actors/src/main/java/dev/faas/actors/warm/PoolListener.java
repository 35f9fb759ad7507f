package dev.faas.actors.warm;

/**
 * Told the pool's figures whenever they change, so a node can keep gauges without asking; the
 * actors know no metrics library.
 */
@FunctionalInterface
public interface PoolListener {
  PoolListener NONE = stats -> {};

  /**
   * Called on the pool's own thread after a message changed its figures. It must return at once:
   * store the figures (in an {@code AtomicReference} a gauge reads, say), do no blocking work.
   */
  void changed(PoolStats stats);
}
