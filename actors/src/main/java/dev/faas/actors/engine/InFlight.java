package dev.faas.actors.engine;

/**
 * Told what an API node is handling whenever it changes, so that the node keeps gauges without
 * asking its actors; the actors know no metrics library. Called on an actor's own thread: it must
 * return at once (store the figure where a gauge reads it, do nothing blocking).
 */
public interface InFlight {

  /** The activations this node is answering: one activation actor each. */
  void activations(int count);

  /** The node permits held ({@link NodeLimiter}); at most the node's {@code nodeMaxInFlight}. */
  void permits(int count);
}
