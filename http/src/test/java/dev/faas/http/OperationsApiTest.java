package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsApiTest {
  private final ApiFixture api = new ApiFixture();

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void healthzIs200Text() {
    HttpResponse<String> response = check(api.call("GET", "/healthz", null, null), 200);
    assertEquals(
        "text/plain; charset=UTF-8", response.headers().firstValue("Content-Type").orElse(""));
    assertEquals("ok", response.body());
  }

  @Test
  void readyzIs200WhenEveryCheckPasses() {
    JsonNode body = json(check(api.call("GET", "/readyz", null, null), 200));
    assertEquals("ready", body.get("status").asText());
    assertEquals(
        Map.of("nats", true, "usersCache", true, "functionsCache", true),
        Json.MAPPER.convertValue(body.get("checks"), Map.class));
  }

  @Test
  void readyzIs503NamingTheFailingCheck() {
    api.readiness.put("docker", false);
    try {
      JsonNode body = json(check(api.call("GET", "/readyz", null, null), 503));
      assertEquals("unavailable", body.get("status").asText());
      assertEquals(false, body.get("checks").get("docker").asBoolean());
      assertEquals(true, body.get("checks").get("nats").asBoolean());
    } finally {
      api.readiness.remove("docker");
    }
    check(api.call("GET", "/readyz", null, null), 200);
  }

  @Test
  void readyzIs503UntilTheCachesCatchUp() {
    try (ApiFixture starting = new ApiFixture(HttpSettings.defaults(), List.of(), false)) {
      JsonNode body = json(check(starting.call("GET", "/readyz", null, null), 503));
      assertEquals(false, body.get("checks").get("usersCache").asBoolean());
      starting.users.caughtUp();
      starting.functions.caughtUp();
      check(starting.call("GET", "/readyz", null, null), 200);
    }
  }

  @Test
  void metricsCountRequestsByRouteTemplate() {
    String token = api.newUserToken();
    api.call("GET", "/v1/functions/some-name", token, null);
    api.call("GET", "/v1/functions/other-name", token, null);
    api.call("GET", "/no/such/path", null, null);
    HttpResponse<String> response = check(api.call("GET", "/metrics", null, null), 200);
    assertEquals(
        "text/plain; version=0.0.4; charset=UTF-8",
        response.headers().firstValue("Content-Type").orElse(""));
    String text = response.body();
    assertEquals(2.0, count(text, "GET", "/v1/functions/{name}", 404));
    assertTrue(count(text, "GET", "unmatched", 404) >= 1);
    assertTrue(count(text, "POST", "/v1/tokens", 200) >= 1);
    String bucket = series("bucket", "GET", "/v1/functions/{name}", 404);
    assertTrue(
        text.contains(bucket.substring(0, bucket.length() - 1) + ",le=\""), "histogram buckets");
    assertFalse(text.contains("some-name"), "raw paths never become labels");
  }

  @Test
  void metricsAreOpenMetricsWhenTheScraperAsksForIt() {
    // What Prometheus 2.x sends when it may take OpenMetrics.
    HttpResponse<String> response =
        check(
            api.call(
                "GET", "/metrics", null, null, "Accept",
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                    + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            200);
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("")
            .startsWith("application/openmetrics-text; version=1.0.0"),
        response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
  }

  @Test
  void metricsStayPrometheusTextWhenOpenMetricsIsRefused() {
    HttpResponse<String> response =
        check(
            api.call(
                "GET", "/metrics", null, null, "Accept",
                "application/openmetrics-text;q=0, text/plain;version=0.0.4"),
            200);
    assertEquals(
        "text/plain; version=0.0.4; charset=UTF-8",
        response.headers().firstValue("Content-Type").orElse(""));
    assertFalse(response.body().contains("# EOF"));
  }

  @Test
  void openApiDocumentIsServedAsYaml() {
    HttpResponse<String> response = check(api.call("GET", "/v1/openapi.yaml", null, null), 200);
    assertEquals("application/yaml", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().startsWith("openapi: 3.0.3"), response.body().substring(0, 40));
    assertEquals(OperationsRoutes.openApiText(), response.body());
  }

  private static String series(String kind, String method, String route, int status) {
    return "http_server_requests_seconds_%s{method=\"%s\",route=\"%s\",status=\"%d\"}"
        .formatted(kind, method, route, status);
  }

  private static double count(String exposition, String method, String route, int status) {
    String series = series("count", method, route, status);
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(exposition);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in\n" + exposition);
    }
    return Double.parseDouble(m.group(1));
  }
}
