package dev.faas.actors.engine;

import dev.faas.actors.outcome.Outcome;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A caller's reply address that lets exactly one {@link Outcome} through. The
 * activation actor answers through it; its supervisor, on seeing the actor stop, answers through
 * the same object, and only one of the two reaches the caller. A flag rather than a message:
 * a stop notice may overtake the actor's last messages, a flag set before the stop cannot.
 */
final class OnceReply {
  private final ActorRef<Outcome> replyTo;
  private final AtomicBoolean sent = new AtomicBoolean();

  OnceReply(ActorRef<Outcome> replyTo) {
    this.replyTo = replyTo;
  }

  /** Sends {@code outcome} unless an outcome was already sent; true when this one went. */
  boolean send(Outcome outcome) {
    if (sent.compareAndSet(false, true)) {
      replyTo.tell(outcome);
      return true;
    }
    return false;
  }

  boolean isSent() {
    return sent.get();
  }
}
