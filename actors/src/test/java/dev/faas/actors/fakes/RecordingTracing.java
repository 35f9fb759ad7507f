package dev.faas.actors.fakes;

import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import dev.faas.actors.trace.Tracing;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link Tracing} for tests of the port's users: it keeps every span started, with its parent,
 * its own W3C context (the parent's trace id, or a new one), its attributes and whether it ended.
 * What a real tracing library does with them is the node's test's business.
 */
public final class RecordingTracing implements Tracing {
  /** One span as started. */
  public static final class Span implements TraceSpan {
    public final String name;
    public final Kind kind;
    public final TraceContext parent;
    public final String traceId;
    public final String spanId;
    public final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile String failure;
    private volatile boolean ended;

    Span(String name, Kind kind, TraceContext parent) {
      this.name = name;
      this.kind = kind;
      this.parent = parent;
      String[] parts = parent.present() ? parent.traceparent().split("-") : new String[0];
      this.traceId = parts.length == 4 ? parts[1] : hex(16);
      this.spanId = hex(8);
    }

    @Override
    public TraceContext context() {
      return new TraceContext("00-" + traceId + "-" + spanId + "-01", parent.tracestate());
    }

    @Override
    public TraceSpan set(String key, String value) {
      attributes.put(key, value);
      return this;
    }

    @Override
    public TraceSpan set(String key, long value) {
      attributes.put(key, value);
      return this;
    }

    @Override
    public void fail(String description) {
      failure = description;
    }

    @Override
    public void end() {
      ended = true;
    }

    @Override
    public void end(Instant at) {
      ended = true;
    }

    public boolean ended() {
      return ended;
    }

    /** Why it failed; null when it did not. */
    public String failure() {
      return failure;
    }

    /** True when {@code child} was started under this span. */
    public boolean parentOf(Span child) {
      return context().traceparent().equals(child.parent.traceparent());
    }

    @Override
    public String toString() {
      return name + "(" + kind + ", " + spanId + " under " + parent + ", " + attributes + ")";
    }
  }

  public final List<Span> spans = new CopyOnWriteArrayList<>();

  @Override
  public TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent) {
    Span span = new Span(name, kind, parent);
    spans.add(span);
    return span;
  }

  @Override
  public TraceSpan start(String name, TraceSpan.Kind kind, TraceContext parent, Instant at) {
    return start(name, kind, parent);
  }

  /** The first span named {@code name}. */
  public Optional<Span> named(String name) {
    return spans.stream().filter(s -> s.name.equals(name)).findFirst();
  }

  private static String hex(int bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      out.append(String.format("%02x", ThreadLocalRandom.current().nextInt(256)));
    }
    return out.toString();
  }
}
