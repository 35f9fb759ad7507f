package dev.faas.node;

import dev.faas.actors.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's traces (docs/decisions/0022): with {@code FAAS_OTLP_ENDPOINT} set, an OpenTelemetry
 * SDK whose spans are batched and exported with OTLP over HTTP (protobuf), resource {@code
 * service.name=faas-node} and the node's name, platform and roles; without it, {@link
 * Tracing#OFF}, which makes no span at all. Closed (its last batch flushed) when the node stops.
 */
final class NodeTracing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeTracing.class);
  static final String SERVICE_NAME = "faas-node";
  /** How long a finished span waits for its batch: short, so a trace shows within seconds. */
  static final Duration EXPORT_DELAY = Duration.ofSeconds(1);
  /** Spans kept for export at most; past it new ones are dropped (never a wait). */
  static final int QUEUE_SIZE = 8192;

  private final Tracing tracing;
  private final OpenTelemetrySdk sdk;

  private NodeTracing(Tracing tracing, OpenTelemetrySdk sdk) {
    this.tracing = tracing;
    this.sdk = sdk;
  }

  /** The tracing {@code config} asks for. */
  static NodeTracing from(NodeConfig config) {
    if (config.traces().otlpEndpoint().isEmpty()) {
      return new NodeTracing(Tracing.OFF, null);
    }
    URI endpoint = config.traces().otlpEndpoint().get();
    SpanProcessor batches =
        BatchSpanProcessor.builder(
                OtlpHttpSpanExporter.builder()
                    .setEndpoint(endpoint.toString())
                    .setTimeout(Duration.ofSeconds(10))
                    .build())
            .setScheduleDelay(EXPORT_DELAY)
            .setMaxQueueSize(QUEUE_SIZE)
            .build();
    log.info("Traces exported with OTLP/HTTP to [{}]", endpoint);
    return withProcessor(config, batches);
  }

  /** The node's tracing with its finished spans going to {@code processor} (tests). */
  static NodeTracing withProcessor(NodeConfig config, SpanProcessor processor) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource(config))
                    .addSpanProcessor(processor)
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new NodeTracing(new OtelTracing(sdk), sdk);
  }

  static Resource resource(NodeConfig config) {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.builder()
                    .put(AttributeKey.stringKey("service.name"), SERVICE_NAME)
                    .put(AttributeKey.stringKey("service.instance.id"), config.nodeName())
                    .put(AttributeKey.stringKey("faas.node.name"), config.nodeName())
                    .put(AttributeKey.stringKey("faas.platform"), config.platform())
                    .put(AttributeKey.stringKey("faas.node.roles"), roles(config))
                    .build()));
  }

  private static String roles(NodeConfig config) {
    return config.roles().stream()
        .map(r -> r.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(","));
  }

  /** The port the node's parts trace through. */
  Tracing tracing() {
    return tracing;
  }

  /** Flushes what is batched (a few seconds at most) and stops exporting. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
