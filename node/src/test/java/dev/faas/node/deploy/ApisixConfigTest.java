package dev.faas.node.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the gateway's standalone rules ({@code apisix/apisix.yaml}) in step with the platform's
 * OpenAPI document ({@code http/src/main/resources/dev/faas/http/openapi.yaml}): every documented
 * operation is routed, exactly the open operations of API.md go without forward-auth, and the
 * file is one APISIX will load ({@code #END}). Paths are resolved from the node module's
 * directory, where Surefire runs.
 */
class ApisixConfigTest {

  /** The operations API.md leaves open; everything else must pass forward-auth. */
  private static final Set<String> OPEN =
      Set.of(
          "POST /v1/users",
          "POST /v1/tokens",
          "GET /healthz",
          "GET /readyz",
          "GET /metrics",
          "GET /v1/openapi.yaml",
          "GET /console",
          "GET /console/{asset}");

  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE");

  /** The longest timeout a function may declare (FAAS_MAX_FUNCTION_TIMEOUT_MS), in seconds. */
  private static final int MAX_FUNCTION_TIMEOUT_S = 300;

  /** The longest a first call may wait for its image's pull (FAAS_PULL_TIMEOUT), in seconds. */
  private static final int PULL_TIMEOUT_S = 300;

  /** The API node's own request timeout (pekko.http.server.request-timeout), in seconds. */
  private static final int NODE_REQUEST_TIMEOUT_S = 640;

  private static final YAMLMapper YAML = new YAMLMapper();

  private static String apisixText;
  private static JsonNode apisix;
  private static JsonNode openapi;

  @BeforeAll
  static void load() throws IOException {
    Path apisixFile = locate("apisix/apisix.yaml");
    // The http module serves the document as a classpath resource beside its routes; the
    // resources root is accepted too, so moving the file does not silently skip the check.
    Path openapiFile =
        locate(
            "http/src/main/resources/dev/faas/http/openapi.yaml",
            "http/src/main/resources/openapi.yaml");
    apisixText = Files.readString(apisixFile, StandardCharsets.UTF_8);
    apisix = YAML.readTree(apisixText);
    openapi = YAML.readTree(openapiFile.toFile());
  }

  @Test
  void fileEndsWithTheEndMarkerApisixRequires() {
    String[] lines = apisixText.stripTrailing().split("\n");
    assertEquals(
        "#END",
        lines[lines.length - 1].strip(),
        "APISIX ignores apisix.yaml unless its last line is #END");
  }

  @Test
  void everyOpenApiOperationIsRoutedAndOnlyTheOpenOnesSkipForwardAuth() {
    List<String> problems = check(routes(apisix), operations(openapi));
    if (!problems.isEmpty()) {
      fail("apisix/apisix.yaml is out of step with openapi.yaml:\n  " + String.join("\n  ", problems));
    }
  }

  @Test
  void theOpenApiDocumentHasOperationsToCheck() {
    assertFalse(operations(openapi).isEmpty(), "openapi.yaml declares no operations");
  }

  @Test
  void removingARouteIsCaught() {
    ObjectNode copy = apisix.deepCopy();
    ArrayNode routes = (ArrayNode) copy.get("routes");
    for (Iterator<JsonNode> it = routes.elements(); it.hasNext(); ) {
      if ("/v1/functions/:name/invoke".equals(it.next().path("uri").asText())) {
        it.remove();
      }
    }
    List<String> problems = check(routes(copy), operations(openapi));
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("POST /v1/functions/{name}/invoke")),
        "a missing invoke route went unnoticed: " + problems);
  }

  @Test
  void droppingForwardAuthFromARouteIsCaught() {
    ObjectNode copy = apisix.deepCopy();
    for (JsonNode route : copy.get("routes")) {
      if ("/v1/functions".equals(route.path("uri").asText())) {
        ((ObjectNode) route).remove("plugin_config_id");
        ((ObjectNode) route).remove("plugins");
      }
    }
    List<String> problems = check(routes(copy), operations(openapi));
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("GET /v1/functions")),
        "an unauthenticated /v1/functions route went unnoticed: " + problems);
  }

  @Test
  void anOpenRouteWiderThanTheConsoleIsCaught() {
    ObjectNode copy = apisix.deepCopy();
    for (JsonNode route : copy.get("routes")) {
      if ("console".equals(route.path("id").asText())) {
        ((ArrayNode) route.get("uris")).add("/console/*");
      }
    }
    List<String> problems = check(routes(copy), operations(openapi));
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("route console has no forward-auth")),
        "a prefix route without forward-auth went unnoticed: " + problems);
  }

  @Test
  void forwardAuthAsksTheApiAndPassesTheUserOn() {
    List<Route> authenticated = routes(apisix).stream().filter(r -> r.forwardAuth() != null).toList();
    assertFalse(authenticated.isEmpty(), "no route uses forward-auth");
    for (Route route : authenticated) {
      JsonNode conf = route.forwardAuth();
      String uri = resolveDefaults(conf.path("uri").asText());
      assertTrue(uri.endsWith("/v1/auth/verify"), route.id() + ": forward-auth uri is " + uri);
      assertTrue(
          texts(conf.path("request_headers")).contains("Authorization"),
          route.id() + ": forward-auth does not send the Authorization header");
      assertTrue(
          texts(conf.path("upstream_headers")).contains("X-User"),
          route.id() + ": forward-auth does not pass X-User to the API");
    }
  }

  @Test
  void registrationAndTokensAreRateLimited() {
    for (String open : List.of("POST /v1/users", "POST /v1/tokens")) {
      String[] parts = open.split(" ", 2);
      List<Route> matching = matching(routes(apisix), parts[0], parts[1]);
      assertFalse(matching.isEmpty(), open + " is not routed");
      for (Route route : matching) {
        assertTrue(
            route.plugins().has("limit-count") || route.plugins().has("limit-req"),
            open + " (route " + route.id() + ") has no rate limit");
      }
    }
  }

  /** Ranges whose mere use as a source says nothing about who the client is. */
  private static final List<String> BROAD =
      List.of("0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::/0", "fc00::/7");

  @Test
  void theClientAddressComesFromXForwardedForOfTrustedProxiesOnly() throws IOException {
    JsonNode realIp = null;
    for (JsonNode rule : apisix.path("global_rules")) {
      if (rule.path("plugins").has("real-ip")) {
        realIp = rule.path("plugins").get("real-ip");
      }
    }
    assertTrue(realIp != null, "no global rule takes the client address from a trusted proxy");
    assertEquals("http_x_forwarded_for", realIp.path("source").asText());
    // Walked from the right: a client's own X-Forwarded-For entries are never believed.
    assertTrue(realIp.path("recursive").asBoolean(false), "real-ip must be recursive");
    // Without trusted_addresses real-ip believes every sender.
    List<String> trusted = texts(realIp.path("trusted_addresses"));
    assertFalse(trusted.isEmpty(), "real-ip without trusted_addresses believes anyone");
    for (String address : trusted) {
      String resolved = resolveDefaults(address);
      assertFalse(BROAD.contains(resolved), "real-ip trusts a whole range: " + resolved);
    }
    // The plugin must be loaded, and the variables reach the nginx workers.
    JsonNode boot = YAML.readTree(locate("apisix/config.yaml").toFile());
    assertTrue(texts(boot.path("plugins")).contains("real-ip"), "config.yaml does not load real-ip");
    List<String> envs = texts(boot.path("nginx_config").path("envs"));
    assertTrue(envs.containsAll(List.of("FAAS_TRUSTED_PROXY", "FAAS_METRICS_ALLOW")), envs.toString());
  }

  @Test
  void registrationAndTokenLimitsCountTheClientAddress() {
    for (String open : List.of("POST /v1/users", "POST /v1/tokens")) {
      String[] parts = open.split(" ", 2);
      for (Route route : matching(routes(apisix), parts[0], parts[1])) {
        for (String plugin : List.of("limit-count", "limit-req")) {
          JsonNode conf = route.plugins().get(plugin);
          if (conf != null) {
            // remote_addr is the client's address once real-ip has run (a global rule, before
            // any route's plugins); a header a client sends itself would let it pick its bucket.
            assertEquals("remote_addr", conf.path("key").asText(), open + " " + plugin + " key");
          }
        }
      }
    }
  }

  @Test
  void aPrivateSourceAddressAloneDoesNotOpenMetrics() {
    List<Route> metrics = matching(routes(apisix), "GET", "/metrics");
    assertEquals(1, metrics.size());
    JsonNode restriction = metrics.get(0).plugins().get("ip-restriction");
    assertTrue(restriction != null, "/metrics has no ip-restriction");
    List<String> allowed =
        texts(restriction.path("whitelist")).stream().map(ApisixConfigTest::resolveDefaults).toList();
    assertFalse(allowed.isEmpty());
    for (String address : allowed) {
      // Behind an ingress, its private address is every Internet client's.
      assertFalse(BROAD.contains(address), "/metrics is open to a whole range: " + address);
    }
  }

  @Test
  void composeAndKumoriSetTheTrustedProxyAndTheMetricsScraper() throws IOException {
    String compose = Files.readString(locate("compose/docker-compose.yml"));
    String env = Files.readString(locate("compose/.env"));
    String kumori = Files.readString(locate("kumori/apisix/component_artifact.cue"));
    for (String variable : List.of("FAAS_TRUSTED_PROXY", "FAAS_METRICS_ALLOW")) {
      assertTrue(compose.contains(variable + ": ${" + variable + "}"), "compose: " + variable);
      // APISIX takes a set-but-empty variable as the empty string, not as its default.
      Matcher m = Pattern.compile("(?m)^" + variable + "=(\\S+)$").matcher(env);
      assertTrue(m.find(), "compose/.env gives no value to " + variable);
      assertFalse(BROAD.contains(m.group(1)), "compose/.env: " + variable + "=" + m.group(1));
      assertTrue(kumori.contains(variable + ":"), "kumori/apisix: " + variable);
    }
  }

  @Test
  void invokeWaitsForTheLongestFunctionButGivesUpBeforeTheNode() {
    List<Route> invoke = matching(routes(apisix), "POST", "/v1/functions/sample-fn/invoke");
    assertEquals(1, invoke.size(), "exactly one route should serve invocations");
    String read = resolveDefaults(invoke.get(0).timeout().path("read").asText());
    int seconds = (int) Double.parseDouble(read);
    assertTrue(
        seconds > MAX_FUNCTION_TIMEOUT_S + PULL_TIMEOUT_S && seconds < NODE_REQUEST_TIMEOUT_S,
        "invoke read timeout " + seconds + " s is not between the longest function timeout plus"
            + " the longest pull (" + (MAX_FUNCTION_TIMEOUT_S + PULL_TIMEOUT_S)
            + " s) and the node's request timeout ("
            + NODE_REQUEST_TIMEOUT_S + " s)");
  }

  // ---- the check itself ------------------------------------------------------------------------

  /** One route as APISIX matches it, with the plugins it runs (its own and its plugin_config's). */
  private record Route(
      String id, List<String> uris, Set<String> methods, JsonNode plugins, JsonNode timeout) {

    JsonNode forwardAuth() {
      return plugins.get("forward-auth");
    }

    boolean matches(String method, String path) {
      return (methods.isEmpty() || methods.contains(method))
          && uris.stream().anyMatch(uri -> uriPattern(uri).matcher(path).matches());
    }

    /**
     * True when no uri is a prefix and every (method, uri) pair is in {@code allowed}, a uri's
     * {@code :param} segments read as the OpenAPI document's {@code {param}}.
     */
    boolean coversOnly(Set<String> allowed) {
      if (methods.isEmpty() || uris.isEmpty()) {
        return false;
      }
      for (String uri : uris) {
        if (uri.endsWith("*")) {
          return false;
        }
        String template = uri.replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}");
        for (String method : methods) {
          if (!allowed.contains(method + " " + template)) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /**
   * Every problem found, one line each, starting with the operation concerned ("METHOD /path"):
   * an operation no route serves, one served by routes that disagree about authentication, one
   * that is open but should not be (or the reverse), and an open route letting through more than
   * the open operations.
   */
  private static List<String> check(List<Route> routes, Set<String> operations) {
    List<String> problems = new ArrayList<>();
    Set<String> all = new TreeSet<>(operations);
    all.addAll(OPEN);
    for (String operation : all) {
      String[] parts = operation.split(" ", 2);
      String method = parts[0];
      String concrete = concretePath(parts[1]);
      List<Route> matching = matching(routes, method, concrete);
      if (matching.isEmpty()) {
        problems.add(operation + ": no APISIX route serves it");
        continue;
      }
      Set<Boolean> authenticated = new LinkedHashSet<>();
      matching.forEach(r -> authenticated.add(r.forwardAuth() != null));
      if (authenticated.size() > 1) {
        problems.add(operation + ": matched by routes that disagree about forward-auth "
            + matching.stream().map(Route::id).toList());
        continue;
      }
      boolean open = !authenticated.iterator().next();
      boolean shouldBeOpen = OPEN.contains(operation);
      if (open && !shouldBeOpen) {
        problems.add(operation + ": served without forward-auth by "
            + matching.stream().map(Route::id).toList());
      } else if (!open && shouldBeOpen) {
        problems.add(operation + ": open in API.md but behind forward-auth in "
            + matching.stream().map(Route::id).toList());
      }
    }
    for (Route route : routes) {
      if (route.forwardAuth() == null && !route.coversOnly(OPEN)) {
        problems.add(route.methods() + " " + route.uris() + ": route " + route.id()
            + " has no forward-auth but lets through more than the open operations");
      }
    }
    return problems;
  }

  private static List<Route> matching(List<Route> routes, String method, String path) {
    return routes.stream().filter(r -> r.matches(method, path)).toList();
  }

  /** "METHOD /path" for every operation of the OpenAPI document. */
  private static Set<String> operations(JsonNode openapi) {
    Set<String> operations = new TreeSet<>();
    JsonNode paths = openapi.path("paths");
    for (Map.Entry<String, JsonNode> path : paths.properties()) {
      for (Iterator<String> keys = path.getValue().fieldNames(); keys.hasNext(); ) {
        String method = keys.next().toUpperCase(Locale.ROOT);
        if (HTTP_METHODS.contains(method)) {
          operations.add(method + " " + path.getKey());
        }
      }
    }
    return operations;
  }

  /** An OpenAPI path with each {param} replaced by a value a client could send. */
  private static String concretePath(String template) {
    return template.replaceAll("\\{[^/}]+}", "sample-1");
  }

  private static List<Route> routes(JsonNode apisix) {
    List<Route> routes = new ArrayList<>();
    for (JsonNode route : apisix.path("routes")) {
      if (route.path("status").asInt(1) == 0) {
        continue;
      }
      List<String> uris = new ArrayList<>();
      if (route.hasNonNull("uri")) {
        uris.add(route.get("uri").asText());
      }
      route.path("uris").forEach(u -> uris.add(u.asText()));
      Set<String> methods = new TreeSet<>(texts(route.path("methods")));
      ObjectNode plugins = YAML.createObjectNode();
      if (route.hasNonNull("plugin_config_id")) {
        JsonNode config = pluginConfig(apisix, route.get("plugin_config_id").asText());
        if (config == null) {
          fail("route " + route.path("id").asText() + " names a missing plugin_config "
              + route.get("plugin_config_id").asText());
        }
        plugins.setAll((ObjectNode) config.path("plugins"));
      }
      if (route.path("plugins").isObject()) {
        plugins.setAll((ObjectNode) route.get("plugins"));
      }
      routes.add(
          new Route(route.path("id").asText(), uris, methods, plugins, route.path("timeout")));
    }
    return routes;
  }

  private static JsonNode pluginConfig(JsonNode apisix, String id) {
    for (JsonNode config : apisix.path("plugin_configs")) {
      if (id.equals(config.path("id").asText())) {
        return config;
      }
    }
    return null;
  }

  /**
   * An APISIX uri as a regular expression: {@code :param} is one path segment (the
   * radixtree_uri_with_parameter router), a trailing {@code *} a prefix, anything else literal.
   */
  private static Pattern uriPattern(String uri) {
    boolean prefix = uri.endsWith("*");
    String body = prefix ? uri.substring(0, uri.length() - 1) : uri;
    StringBuilder regex = new StringBuilder();
    Matcher param = Pattern.compile(":[A-Za-z_][A-Za-z0-9_]*").matcher(body);
    int last = 0;
    while (param.find()) {
      regex.append(Pattern.quote(body.substring(last, param.start()))).append("[^/]+");
      last = param.end();
    }
    regex.append(Pattern.quote(body.substring(last)));
    if (prefix) {
      regex.append(".*");
    }
    return Pattern.compile(regex.toString());
  }

  /** ${{VAR:=default}} replaced by its default, as APISIX does when VAR is not set. */
  private static String resolveDefaults(String value) {
    Matcher m = Pattern.compile("\\$\\{\\{\\s*[A-Za-z0-9_]+\\s*:=\\s*(.*?)\\s*}}").matcher(value);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The first of {@code relatives} found from the module directory or the repository root. */
  private static Path locate(String... relatives) {
    Path cwd = Path.of("").toAbsolutePath();
    for (String relative : relatives) {
      for (Path base : List.of(cwd.resolve(".."), cwd)) {
        Path candidate = base.resolve(relative).normalize();
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    throw new AssertionError(String.join(" or ", relatives) + " not found from " + cwd);
  }
}
