/**
 * Traces as the actors see them: a port ({@link dev.faas.actors.trace.Tracing}) whose spans carry
 * their context as W3C Trace Context values ({@link dev.faas.actors.trace.TraceContext}), so that
 * no tracing library is a dependency of the actors (docs/decisions/0022). The span names are in
 * {@link dev.faas.actors.trace.SpanNames}.
 */
package dev.faas.actors.trace;
