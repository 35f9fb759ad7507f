package dev.faas.actors.trace;

import java.time.Instant;

/**
 * One span, as the actors see it: named and timed, with a few attributes, ended once (later ends
 * are ignored). Thread-safe, so it may end in a future's callback.
 */
public interface TraceSpan {
  /** What a span is to its neighbours (OpenTelemetry's span kinds). */
  enum Kind {
    SERVER,
    INTERNAL,
    PRODUCER,
    CONSUMER
  }

  /** A span that records nothing: what {@link Tracing#OFF} hands out. */
  TraceSpan NONE =
      new TraceSpan() {
        @Override
        public TraceContext context() {
          return TraceContext.NONE;
        }

        @Override
        public TraceSpan set(String key, String value) {
          return this;
        }

        @Override
        public TraceSpan set(String key, long value) {
          return this;
        }

        @Override
        public void fail(String description) {}

        @Override
        public void end() {}

        @Override
        public void end(Instant at) {}
      };

  /** This span as a parent: for its children, here or in another process. */
  TraceContext context();

  TraceSpan set(String key, String value);

  TraceSpan set(String key, long value);

  /** Marks the span failed (an error status), with why. */
  void fail(String description);

  void end();

  /** Ends the span at {@code at} (a span recorded after the fact). */
  void end(Instant at);
}
