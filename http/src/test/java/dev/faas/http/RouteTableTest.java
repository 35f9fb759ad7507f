package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Directives;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  @Test
  void templateMatchesExactlyAndDecodesParameters() {
    PathTemplate template = PathTemplate.parse("/v1/functions/{name}");
    assertEquals(
        Optional.of(new PathParams(Map.of("name", "echo"))), template.match("/v1/functions/echo"));
    assertEquals(
        Optional.of(new PathParams(Map.of("name", "a b"))), template.match("/v1/functions/a%20b"));
    assertEquals(
        Optional.of(new PathParams(Map.of("name", "a/b"))), template.match("/v1/functions/a%2Fb"));
    assertEquals(Optional.empty(), template.match("/v1/functions/"));
    assertEquals(Optional.empty(), template.match("/v1/functions"));
    assertEquals(Optional.empty(), template.match("/v1//functions/echo"));
    assertEquals(Optional.empty(), template.match("/v1/functions/echo/"));
    assertEquals(Optional.empty(), template.match("/v1/functions/%zz"));
    assertEquals(Optional.empty(), template.match("/V1/functions/echo"));
  }

  @Test
  void malformedTemplatesAreRefused() {
    for (String bad : List.of("", "v1", "/", "/v1/", "/v1/{a}/{a}", "/v1/{}", "/v1/a b")) {
      assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse(bad), bad);
    }
  }

  @Test
  void moreLiteralTemplateWinsForMetrics() {
    RouteTable table =
        new RouteTable(
            List.of(
                endpoint("/v1/activations/{id}"),
                endpoint("/v1/activations/latest"),
                endpoint("/v1/functions/{name}")));
    assertEquals("/v1/activations/latest", table.templateOf("/v1/activations/latest"));
    assertEquals("/v1/activations/{id}", table.templateOf("/v1/activations/abc"));
    assertEquals(RouteTable.UNMATCHED, table.templateOf("/v1/nothing"));
  }

  @Test
  void sameMethodAndTemplateTwiceIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RouteTable(List.of(endpoint("/healthz"), endpoint("/healthz"))));
  }

  private static Endpoint endpoint(String template) {
    return Endpoint.open(HttpMethods.GET, template, params -> Directives.complete("x"));
  }
}
