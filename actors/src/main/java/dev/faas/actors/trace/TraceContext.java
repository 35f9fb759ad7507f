package dev.faas.actors.trace;

/**
 * A span's place in a trace as W3C Trace Context carries it between processes: the {@code
 * traceparent} and {@code tracestate} header values, opaque to everyone but the {@link Tracing}
 * that made or reads them. It travels with an activation from the HTTP request to the worker, in
 * the queue message's headers.
 *
 * @param traceparent the {@code traceparent} value; null when there is no trace
 * @param tracestate the {@code tracestate} value; null when there is none
 */
public record TraceContext(String traceparent, String tracestate) {
  /** The W3C header names. */
  public static final String TRACEPARENT = "traceparent";

  public static final String TRACESTATE = "tracestate";

  /** No trace: a span started under it is the root of a new one. */
  public static final TraceContext NONE = new TraceContext(null, null);

  /** {@code traceparent} and {@code tracestate} as read (either may be null). */
  public static TraceContext of(String traceparent, String tracestate) {
    return traceparent == null || traceparent.isBlank()
        ? NONE
        : new TraceContext(traceparent, tracestate == null || tracestate.isBlank() ? null : tracestate);
  }

  /** True when there is a trace to continue. */
  public boolean present() {
    return traceparent != null;
  }
}
