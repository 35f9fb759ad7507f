package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.faas.actors.fakes.FakeStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document, the route table and docs/api.md describe the same API, endpoint for
 * endpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  // docs/api.md gives every endpoint a heading of its own, such as "### `GET /v1/functions`".
  private static final Pattern ENDPOINT_HEADING =
      Pattern.compile("^#{2,6} `(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) (/\\S*)`\\s*$");
  // Surefire runs in the module's directory; the docs are the repository's.
  private static final Path API_MD =
      Path.of(System.getProperty("basedir", "."), "..", "docs", "api.md").normalize();

  // The API as a node with the activation engine serves it: invocation endpoints contributed.
  private final ApiFixture api =
      new ApiFixture(
          HttpSettings.defaults(),
          deps -> {
            List<Endpoint> endpoints =
                new ArrayList<>(
                    HttpApi.invocationEndpoints(deps, new FakeInvoker(), new FakeStore()));
            endpoints.addAll(HttpApi.liveLogEndpoints(deps, new LiveLogApiTest.FakeFeed()));
            return endpoints;
          },
          true);

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void documentAndRouteTableMatchExactly() throws Exception {
    Set<String> documented = documented();
    Set<String> served =
        api.api.endpoints().stream()
            .map(e -> e.method().name() + " " + e.template())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(documented), served);
  }

  @Test
  void documentAndDocsApiMdDescribeTheSameEndpoints() throws Exception {
    List<String> headed = new ArrayList<>();
    for (String line : Files.readAllLines(API_MD, StandardCharsets.UTF_8)) {
      Matcher heading = ENDPOINT_HEADING.matcher(line);
      if (heading.matches()) {
        headed.add(heading.group(1) + " " + heading.group(2));
      }
    }
    Set<String> unique = new TreeSet<>(headed);
    assertEquals(unique.size(), headed.size(), "an endpoint with two headings in " + API_MD);
    assertEquals(documented(), unique, "OpenAPI document (expected) and " + API_MD);
  }

  @Test
  void documentIsOpenApi303WithEveryOperationAnswering() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(OperationsRoutes.openApiText());
    assertEquals("3.0.3", doc.get("openapi").asText());
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey())) {
          assertTrue(op.getValue().get("responses").size() > 0, path.getKey() + " " + op.getKey());
        }
      }
    }
  }

  @Test
  void everyReferenceResolves() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(OperationsRoutes.openApiText());
    checkRefs(doc, doc);
  }

  private static void checkRefs(JsonNode root, JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String pointer = ref.asText().substring(1);
        assertFalse(root.at(pointer).isMissingNode(), "unresolved " + ref.asText());
      }
      node.elements().forEachRemaining(child -> checkRefs(root, child));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> checkRefs(root, child));
    }
  }

  private static Set<String> documented() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(OperationsRoutes.openApiText());
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey())) {
          out.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    return out;
  }
}
