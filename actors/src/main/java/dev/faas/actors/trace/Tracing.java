package dev.faas.actors.trace;

import java.time.Instant;

/**
 * Where spans come from: the port through which the actors (and the HTTP layer) trace an
 * activation without knowing the tracing library. The node implements it with OpenTelemetry when
 * {@code FAAS_OTLP_ENDPOINT} is set; otherwise, and in tests that do not look, it is {@link #OFF}
 * (docs/decisions/0022).
 */
public interface Tracing {
  /** Records nothing, at the cost of a method call. */
  Tracing OFF =
      new Tracing() {
        @Override
        public TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent) {
          return TraceSpan.NONE;
        }

        @Override
        public TraceSpan start(
            String name, TraceSpan.Kind kind, TraceContext parent, Instant startedAt) {
          return TraceSpan.NONE;
        }

        @Override
        public boolean enabled() {
          return false;
        }
      };

  /**
   * Starts a span now, a child of {@code parent}, or the root of a new trace when {@code parent}
   * is {@link TraceContext#NONE} or not a valid context.
   */
  TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent);

  /** As {@link #start(String, TraceSpan.Kind, TraceContext)}, started at {@code startedAt}. */
  TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent, Instant startedAt);

  /** False when spans go nowhere: callers may skip work done only for them. */
  default boolean enabled() {
    return true;
  }

  /** An internal span, a child of {@code parent}. */
  default TraceSpan child(String name, TraceContext parent) {
    return start(name, TraceSpan.Kind.INTERNAL, parent);
  }
}
