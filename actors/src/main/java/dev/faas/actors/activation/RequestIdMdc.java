package dev.faas.actors.activation;

import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.MDC;

/**
 * The request id of an activation in the SLF4J MDC of the actors that work on it (the API node's
 * activation actor, the worker's runner), under the same key the HTTP layer uses, so every line
 * they log through {@code context.getLog()} carries the {@code X-Request-Id} of the call.
 */
public final class RequestIdMdc {
  /** The MDC key; the node's log pattern shows it. */
  public static final String KEY = "requestId";

  private RequestIdMdc() {}

  /**
   * Runs {@code action} with {@code requestId} in this thread's MDC, as it was before afterwards:
   * for a line logged about one activation by an actor that serves many (the worker).
   */
  public static void run(String requestId, Runnable action) {
    if (requestId == null) {
      action.run();
      return;
    }
    String before = MDC.get(KEY);
    MDC.put(KEY, requestId);
    try {
      action.run();
    } finally {
      if (before == null) {
        MDC.remove(KEY);
      } else {
        MDC.put(KEY, before);
      }
    }
  }

  /** {@code behavior} with {@code requestId} in its MDC; unchanged when there is none. */
  public static <T> Behavior<T> around(Class<T> type, String requestId, Behavior<T> behavior) {
    return requestId == null
        ? behavior
        : Behaviors.withMdc(type, Map.of(KEY, requestId), behavior);
  }
}
