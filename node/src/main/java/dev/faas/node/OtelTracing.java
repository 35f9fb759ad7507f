package dev.faas.node;

import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import dev.faas.actors.trace.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.time.Instant;
import java.util.List;

/**
 * The actors' tracing port on the OpenTelemetry API: spans are OpenTelemetry spans, and a span's
 * {@link TraceContext} is what the W3C Trace Context propagator writes ({@code traceparent},
 * {@code tracestate}) and reads back, in another process after the queue. Parents are always
 * explicit (no thread-local current span: the actors hop threads).
 */
final class OtelTracing implements Tracing {
  /** The instrumentation scope of every span the node makes. */
  static final String SCOPE = "dev.faas.node";

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  OtelTracing(OpenTelemetry otel) {
    this.tracer = otel.getTracer(SCOPE);
    this.propagator = otel.getPropagators().getTextMapPropagator();
  }

  @Override
  public TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent) {
    return new OtelSpan(builder(name, kind, parent).startSpan(), propagator);
  }

  @Override
  public TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent, Instant at) {
    return new OtelSpan(builder(name, kind, parent).setStartTimestamp(at).startSpan(), propagator);
  }

  private SpanBuilder builder(String name, TraceSpan.Kind kind, TraceContext parent) {
    return tracer
        .spanBuilder(name)
        .setSpanKind(kind(kind))
        .setParent(extract(parent));
  }

  /** The context {@code parent} names; the root (a new trace) when it names none, or garbage. */
  Context extract(TraceContext parent) {
    if (!parent.present()) {
      return Context.root();
    }
    return propagator.extract(Context.root(), parent, Getter.INSTANCE);
  }

  static TraceContext inject(Context context, TextMapPropagator propagator) {
    String[] fields = new String[2];
    propagator.inject(context, fields, Setter.INSTANCE);
    return TraceContext.of(fields[0], fields[1]);
  }

  private static SpanKind kind(TraceSpan.Kind kind) {
    return switch (kind) {
      case SERVER -> SpanKind.SERVER;
      case PRODUCER -> SpanKind.PRODUCER;
      case CONSUMER -> SpanKind.CONSUMER;
      case INTERNAL -> SpanKind.INTERNAL;
    };
  }

  /** Reads the two W3C fields of a {@link TraceContext}. */
  private enum Getter implements TextMapGetter<TraceContext> {
    INSTANCE;

    @Override
    public Iterable<String> keys(TraceContext carrier) {
      return List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
    }

    @Override
    public String get(TraceContext carrier, String key) {
      if (carrier == null) {
        return null;
      }
      return switch (key) {
        case TraceContext.TRACEPARENT -> carrier.traceparent();
        case TraceContext.TRACESTATE -> carrier.tracestate();
        default -> null;
      };
    }
  }

  /** Writes the two W3C fields into {@code [traceparent, tracestate]}. */
  private enum Setter implements TextMapSetter<String[]> {
    INSTANCE;

    @Override
    public void set(String[] carrier, String key, String value) {
      if (carrier == null) {
        return;
      }
      if (TraceContext.TRACEPARENT.equals(key)) {
        carrier[0] = value;
      } else if (TraceContext.TRACESTATE.equals(key)) {
        carrier[1] = value;
      }
    }
  }

  /** One OpenTelemetry span behind the port's interface. */
  private static final class OtelSpan implements TraceSpan {
    private final Span span;
    private final TextMapPropagator propagator;
    private volatile TraceContext context;

    OtelSpan(Span span, TextMapPropagator propagator) {
      this.span = span;
      this.propagator = propagator;
    }

    @Override
    public TraceContext context() {
      TraceContext c = context;
      if (c == null) {
        c = inject(Context.root().with(span), propagator);
        context = c;
      }
      return c;
    }

    @Override
    public TraceSpan set(String key, String value) {
      span.setAttribute(key, value);
      return this;
    }

    @Override
    public TraceSpan set(String key, long value) {
      span.setAttribute(key, value);
      return this;
    }

    @Override
    public void fail(String description) {
      span.setStatus(StatusCode.ERROR, description);
    }

    @Override
    public void end() {
      span.end();
    }

    @Override
    public void end(Instant at) {
      span.end(at);
    }
  }
}
