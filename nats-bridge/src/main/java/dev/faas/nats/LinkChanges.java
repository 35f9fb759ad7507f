package dev.faas.nats;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes of a node's NATS connection (lost, back), for {@link
 * dev.faas.actors.activation.ActivationQueue#link()}: an API node takes a worker's silence as
 * evidence only over a window in which this count did not move.
 */
final class LinkChanges {
  private final AtomicLong changes = new AtomicLong();

  /** Called on jnats' callback thread for every connection state change. */
  void changed() {
    changes.incrementAndGet();
  }

  long count() {
    return changes.get();
  }
}
