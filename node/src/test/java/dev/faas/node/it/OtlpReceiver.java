package dev.faas.node.it;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A small OTLP/HTTP traces receiver for tests: nodes export to {@link #endpoint()} (what {@code
 * FAAS_OTLP_ENDPOINT} takes), and every span they send is decoded from its protobuf and kept, with
 * the node that sent it (its resource's {@code service.instance.id}).
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One received span; ids in lower-case hex, the parent empty for a root. */
  public record Received(
      String node,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      Map<String, String> attributes) {}

  private final HttpServer server;
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private final List<Integer> batches = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  /** Listens on a free port of the loopback interface. */
  public static OtlpReceiver start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (exchange) {
            byte[] body;
            try (InputStream in =
                "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody())
                    : exchange.getRequestBody()) {
              body = in.readAllBytes();
            }
            int status = 200;
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            try {
              receiver.take(ExportTraceServiceRequest.parseFrom(body));
            } catch (IOException e) {
              status = 400;
              answer = new byte[0];
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
              exchange.getResponseBody().write(answer);
            }
          }
        });
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.start();
    return receiver;
  }

  /** The base URL, as {@code FAAS_OTLP_ENDPOINT} takes it. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every span received so far. */
  public List<Received> spans() {
    return List.copyOf(spans);
  }

  /** The spans of trace {@code traceId} received so far. */
  public List<Received> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** How many export requests came. */
  public int batches() {
    return batches.size();
  }

  private void take(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String node = attributes(rs.getResource().getAttributesList()).get("service.instance.id");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span span : ss.getSpansList()) {
          spans.add(
              new Received(
                  node,
                  hex(span.getTraceId()),
                  hex(span.getSpanId()),
                  hex(span.getParentSpanId()),
                  span.getName(),
                  span.getKind().name().replace("SPAN_KIND_", ""),
                  attributes(span.getAttributesList())));
          count++;
        }
      }
    }
    batches.add(count);
  }

  private static Map<String, String> attributes(List<KeyValue> values) {
    Map<String, String> out = new HashMap<>();
    for (KeyValue kv : values) {
      var v = kv.getValue();
      out.put(
          kv.getKey(),
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString();
          });
    }
    return out;
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
