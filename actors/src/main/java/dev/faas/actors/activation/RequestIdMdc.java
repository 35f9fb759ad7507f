package dev.faas.actors.activation;

import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The request id of an activation in the SLF4J MDC of the actors that work on it (the API node's
 * activation actor, the worker's runner), under the same key the HTTP layer uses, so every line
 * they log through {@code context.getLog()} carries the {@code X-Request-Id} of the call.
 */
public final class RequestIdMdc {
  /** The MDC key; the node's log pattern shows it. */
  public static final String KEY = "requestId";

  private RequestIdMdc() {}

  /** {@code behavior} with {@code requestId} in its MDC; unchanged when there is none. */
  public static <T> Behavior<T> around(Class<T> type, String requestId, Behavior<T> behavior) {
    return requestId == null
        ? behavior
        : Behaviors.withMdc(type, Map.of(KEY, requestId), behavior);
  }
}
