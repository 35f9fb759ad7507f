package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import dev.faas.actors.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tracing port on OpenTelemetry (docs/decisions/0022): a span's context is its W3C {@code
 * traceparent} (and the {@code tracestate} it carries), and a span started from those strings
 * alone, as a worker does from the queue message's headers, is its child in the same trace.
 */
class OtelTracingTest {
  private static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String CALLER_SPAN = "b7ad6b7169203331";
  private static final String CALLER = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final NodeTracing node =
      NodeTracing.withProcessor(config("api-1", ""), SimpleSpanProcessor.create(exported));
  private final Tracing tracing = node.tracing();

  @AfterEach
  void close() {
    node.close();
  }

  private static NodeConfig config(String name, String endpoint) {
    Config config =
        ConfigFactory.parseResources("application.conf")
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "FAAS_NODE_NAME", name,
                        "FAAS_PLATFORM", "faas-test",
                        "FAAS_ROLES", "api,worker",
                        "FAAS_OTLP_ENDPOINT", endpoint)))
            .resolve(ConfigResolveOptions.noSystem());
    return NodeConfig.from(config);
  }

  private SpanData only(String name) {
    List<SpanData> spans =
        exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertEquals(1, spans.size(), () -> "spans named " + name + ": " + spans);
    return spans.get(0);
  }

  @Test
  void aSpansContextIsItsTraceparentAndAChildFromItJoinsTheTrace() {
    TraceSpan publish = tracing.start("publish", TraceSpan.Kind.PRODUCER, TraceContext.NONE);
    TraceContext carried = publish.context();
    publish.end();
    // What crosses the queue: the two strings, nothing else.
    TraceContext received = TraceContext.of(carried.traceparent(), carried.tracestate());
    tracing.start("process", TraceSpan.Kind.CONSUMER, received).end();

    SpanData p = only("publish");
    SpanData c = only("process");
    assertTrue(
        carried.traceparent().startsWith("00-" + p.getTraceId() + "-" + p.getSpanId() + "-"),
        carried::toString);
    assertEquals(SpanKind.PRODUCER, p.getKind());
    assertEquals(SpanKind.CONSUMER, c.getKind());
    assertEquals(p.getTraceId(), c.getTraceId());
    assertEquals(p.getSpanId(), c.getParentSpanId());
    assertTrue(c.getParentSpanContext().isRemote(), "a parent from another process");
  }

  @Test
  void aCallersTraceparentAndTracestateAreContinued() {
    TraceSpan server =
        tracing.start(
            "POST /v1/functions/{name}/invoke",
            TraceSpan.Kind.SERVER,
            new TraceContext(CALLER, "vendor=opaque"));
    TraceContext passedOn = server.context();
    server.end();

    SpanData s = only("POST /v1/functions/{name}/invoke");
    assertEquals(CALLER_TRACE, s.getTraceId());
    assertEquals(CALLER_SPAN, s.getParentSpanId());
    assertNotEquals(CALLER_SPAN, s.getSpanId());
    assertTrue(passedOn.traceparent().contains(CALLER_TRACE), passedOn::toString);
    assertEquals("vendor=opaque", passedOn.tracestate());
  }

  @Test
  void aMalformedTraceparentStartsANewTrace() {
    tracing.start("server", TraceSpan.Kind.SERVER, new TraceContext("00-garbage-01", null)).end();

    SpanData s = only("server");
    assertFalse(s.getParentSpanContext().isValid(), "a root span");
    assertNotEquals(CALLER_TRACE, s.getTraceId());
  }

  @Test
  void aSpanRecordedAfterTheFactKeepsItsTimesAttributesAndStatus() {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    Instant to = from.plusMillis(1500);
    TraceSpan pull = tracing.start("pull", TraceSpan.Kind.INTERNAL, TraceContext.NONE, from);
    pull.set("faas.image", "alpine:3").set("faas.attempt", 2).fail("not found");
    pull.end(to);

    SpanData s = only("pull");
    assertEquals(TimeUnit.MILLISECONDS.toNanos(from.toEpochMilli()), s.getStartEpochNanos());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(to.toEpochMilli()), s.getEndEpochNanos());
    assertEquals("alpine:3", s.getAttributes().get(AttributeKey.stringKey("faas.image")));
    assertEquals(2L, s.getAttributes().get(AttributeKey.longKey("faas.attempt")));
    assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode());
  }

  @Test
  void theResourceNamesTheServiceAndTheNode() {
    tracing.start("x", TraceSpan.Kind.INTERNAL, TraceContext.NONE).end();

    var resource = only("x").getResource().getAttributes();
    assertEquals("faas-node", resource.get(AttributeKey.stringKey("service.name")));
    assertEquals("api-1", resource.get(AttributeKey.stringKey("service.instance.id")));
    assertEquals("faas-test", resource.get(AttributeKey.stringKey("faas.platform")));
    assertEquals("api,worker", resource.get(AttributeKey.stringKey("faas.node.roles")));
  }

  @Test
  void withoutAnEndpointTracingIsOff() {
    NodeTracing off = NodeTracing.from(config("n", ""));
    assertEquals(Tracing.OFF, off.tracing());
    assertFalse(off.tracing().enabled());
    off.close();
  }

  @Test
  void theEndpointIsABaseUrlOrTheTracesUrl() {
    assertEquals(
        Optional.of(URI.create("http://collector:4318/v1/traces")),
        config("n", "http://collector:4318").traces().otlpEndpoint());
    assertEquals(
        Optional.of(URI.create("http://collector:4318/v1/traces")),
        config("n", "http://collector:4318/").traces().otlpEndpoint());
    assertEquals(
        Optional.of(URI.create("https://c.example/otlp/v1/traces")),
        config("n", "https://c.example/otlp/v1/traces").traces().otlpEndpoint());
    assertThrows(IllegalArgumentException.class, () -> config("n", "collector:4318"));
    NodeTracing on = NodeTracing.from(config("n", "http://127.0.0.1:9/"));
    assertTrue(on.tracing().enabled());
    on.close();
  }
}
