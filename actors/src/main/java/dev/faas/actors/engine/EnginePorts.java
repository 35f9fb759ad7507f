package dev.faas.actors.engine;

import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.trace.Tracing;
import java.time.Clock;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every activation actor of a node shares: the queue, the records (read when a worker's word
 * went missing), the node's limiter, the settings, where workers should send their events, and
 * the clock (a test's clock when under test), and where its spans go.
 */
record EnginePorts(
    ActivationQueue queue,
    ActivationStore records,
    ActorRef<NodeLimiter.Command> limiter,
    EngineSettings settings,
    Function<String, String> replyToFor,
    Clock clock,
    Tracing tracing) {

  /** Ports that trace nothing. */
  EnginePorts(
      ActivationQueue queue,
      ActivationStore records,
      ActorRef<NodeLimiter.Command> limiter,
      EngineSettings settings,
      Function<String, String> replyToFor,
      Clock clock) {
    this(queue, records, limiter, settings, replyToFor, clock, Tracing.OFF);
  }
}
