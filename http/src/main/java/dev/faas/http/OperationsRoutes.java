package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** Health, readiness, metrics and the API's own description: all open, none touching a store. */
final class OperationsRoutes {
  /** Where the OpenAPI document lives on the classpath. */
  static final String OPENAPI_RESOURCE = "/dev/faas/http/openapi.yaml";

  // RFC 9512 registers application/yaml; YAML is UTF-8 here, so the charset is fixed.
  private static final ContentType YAML =
      MediaTypes.applicationWithFixedCharset("yaml", HttpCharsets.UTF_8).toContentType();
  // The Prometheus text exposition format, version 0.0.4, which scrapers expect to see named.
  private static final ContentType PROMETHEUS_TEXT =
      MediaTypes.customWithOpenCharset("text", "plain", Map.of("version", "0.0.4"), false)
          .toContentType(HttpCharsets.UTF_8);

  private static final String PROMETHEUS_TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  // OpenMetrics 1.0 (what the registry writes when asked for it), UTF-8 by its definition.
  private static final String OPEN_METRICS_TYPE =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final ContentType OPEN_METRICS =
      MediaTypes.customWithOpenCharset(
              "application", "openmetrics-text", Map.of("version", "1.0.0"), false)
          .toContentType(HttpCharsets.UTF_8);

  private final Supplier<Map<String, Boolean>> readiness;
  private final PrometheusMeterRegistry registry;
  private final byte[] openApi;

  OperationsRoutes(Supplier<Map<String, Boolean>> readiness, PrometheusMeterRegistry registry) {
    this.readiness = readiness;
    this.registry = registry;
    this.openApi = loadOpenApi();
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            GET,
            "/healthz",
            params -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "ok"))),
        Endpoint.open(GET, "/readyz", params -> complete(readyz())),
        Endpoint.open(
            GET,
            "/metrics",
            params ->
                optionalHeaderValueByName("Accept", accept -> complete(metrics(accept.orElse(""))))),
        Endpoint.open(
            GET, "/v1/openapi.yaml", params -> complete(HttpEntities.create(YAML, openApi))));
  }

  /**
   * The registry's scrape: OpenMetrics 1.0 when the scraper's {@code Accept} names it (Prometheus
   * does when it may use exemplars or created timestamps), the Prometheus text format otherwise.
   */
  private HttpResponse metrics(String accept) {
    boolean openMetrics = wantsOpenMetrics(accept);
    ContentType type = openMetrics ? OPEN_METRICS : PROMETHEUS_TEXT;
    String text = registry.scrape(openMetrics ? OPEN_METRICS_TYPE : PROMETHEUS_TEXT_TYPE);
    return HttpResponse.create()
        .withEntity(HttpEntities.create(type, text.getBytes(StandardCharsets.UTF_8)));
  }

  /** True when {@code accept} lists {@code application/openmetrics-text} with a quality above 0. */
  static boolean wantsOpenMetrics(String accept) {
    for (String range : accept.split(",")) {
      String[] parts = range.trim().split(";");
      if (!parts[0].trim().equalsIgnoreCase("application/openmetrics-text")) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim().replace(" ", "");
        if (param.startsWith("q=")) {
          try {
            refused = Double.parseDouble(param.substring(2)) <= 0;
          } catch (NumberFormatException e) {
            refused = true;
          }
        }
      }
      if (!refused) {
        return true;
      }
    }
    return false;
  }

  /** The readiness document; read by {@code /readyz} on every probe. */
  record Readiness(String status, Map<String, Boolean> checks) {}

  private HttpResponse readyz() {
    Map<String, Boolean> checks = new TreeMap<>();
    try {
      checks.putAll(readiness.get());
    } catch (RuntimeException e) {
      checks.put("readinessSource", false);
    }
    boolean ready = checks.values().stream().allMatch(Boolean.TRUE::equals);
    return Json.response(
        ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
        new Readiness(ready ? "ready" : "unavailable", checks));
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = OperationsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String openApiText() {
    return new String(loadOpenApi(), StandardCharsets.UTF_8);
  }
}
