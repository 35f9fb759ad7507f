package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestNats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged node jar against a real nats-server, driven over HTTPS by a real client that
 * trusts only the node's own certificate. The tests run in order: they follow one user's life
 * through restarts of the node and of NATS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private TestNats nats;
  private NodeProcess node;
  private HttpClient client;
  private String token;
  private String certificate;

  @BeforeAll
  void start() throws Exception {
    nats = new TestNats(dir.resolve("nats")).start();
    node =
        new NodeProcess(
                dir.resolve("node"),
                TestNats.freePort(),
                Map.of("FAAS_NATS_URL", nats.url(), "FAAS_ROLES", "api", "FAAS_NODE_NAME", "e2e-1"))
            .start();
    client = awaitReady();
    certificate = Files.readString(dir.resolve("node/tls/node.p12.password"));
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
    if (nats != null) {
      nats.close();
    }
  }

  private HttpClient awaitReady() throws Exception {
    Path password = dir.resolve("node/tls/node.p12.password");
    long deadline = System.nanoTime() + READY.toNanos();
    while (!Files.exists(password) && System.nanoTime() < deadline) {
      assertTrue(node.isAlive(), () -> "the node exited: " + safeLog());
      Thread.sleep(50);
    }
    HttpClient trusting = node.trustingClient();
    node.awaitReady(trusting, READY);
    return trusting;
  }

  private String safeLog() {
    try {
      return node.log();
    } catch (Exception e) {
      return "(no log)";
    }
  }

  private HttpResponse<String> call(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void registersAUserAndLogsIn() throws Exception {
    HttpResponse<String> created =
        call("POST", "/v1/users", "{\"username\":\"alice\",\"password\":\"correct-horse\"}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("alice", JSON.readTree(created.body()).get("username").asText());

    HttpResponse<String> taken =
        call("POST", "/v1/users", "{\"username\":\"alice\",\"password\":\"another-one\"}");
    assertEquals(409, taken.statusCode());
    assertTrue(taken.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

    login("alice", "correct-horse");
    HttpResponse<String> me = call("GET", "/v1/users/me", null);
    assertEquals(200, me.statusCode(), me.body());
    assertEquals("alice", JSON.readTree(me.body()).get("username").asText());
  }

  private void login(String username, String password) throws Exception {
    token = null;
    HttpResponse<String> issued =
        call(
            "POST",
            "/v1/tokens",
            "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    assertEquals(200, issued.statusCode(), issued.body());
    JsonNode body = JSON.readTree(issued.body());
    assertEquals("Bearer", body.get("tokenType").asText());
    token = body.get("token").asText();
  }

  @Test
  @Order(2)
  void managesFunctionsWithRevisions() throws Exception {
    // Under the node's local-first policy an image must be on the engine (or in a registry).
    String first = FunctionImages.BASE;
    String second = FunctionImages.withCommand("e2e-second", "[\"cat\"]");
    HttpResponse<String> created =
        call("POST", "/v1/functions", "{\"name\":\"echo\",\"image\":\"" + first + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    String etag = created.headers().firstValue("ETag").orElseThrow();
    assertEquals("/v1/functions/echo", created.headers().firstValue("Location").orElseThrow().replaceAll("^https?://[^/]+", ""));
    JsonNode fn = JSON.readTree(created.body());
    assertEquals(30000, fn.get("timeoutMs").asInt());
    assertEquals(128, fn.get("memoryMb").asInt());

    HttpResponse<String> updated =
        call(
            "PUT",
            "/v1/functions/echo",
            "{\"image\":\"" + second + "\",\"timeoutMs\":5000}",
            "If-Match",
            etag);
    assertEquals(200, updated.statusCode(), updated.body());
    assertNotEquals(etag, updated.headers().firstValue("ETag").orElseThrow());

    HttpResponse<String> stale =
        call("PUT", "/v1/functions/echo", "{\"image\":\"" + first + "\"}", "If-Match", etag);
    assertEquals(412, stale.statusCode(), stale.body());

    HttpResponse<String> list = call("GET", "/v1/functions", null);
    assertEquals(200, list.statusCode());
    JsonNode functions = JSON.readTree(list.body()).get("functions");
    assertEquals(1, functions.size());
    assertEquals(second, functions.get(0).get("image").asText());

    assertEquals(400, call("POST", "/v1/functions", "{\"name\":\"Bad Name\",\"image\":\"x\"}").statusCode());
    assertEquals(404, call("GET", "/v1/functions/nope", null).statusCode());
  }

  @Test
  @Order(3)
  void everythingSurvivesARestartOfTheNode() throws Exception {
    int exit = node.stop();
    assertTrue(exit == 0 || exit == 143, "a SIGTERM stops the node, exit code " + exit);
    assertTrue(node.log().contains("Closing NATS and Docker connections"),
        "the stop ran CoordinatedShutdown to its end");
    node.start();
    client = awaitReady();
    assertEquals(certificate, Files.readString(dir.resolve("node/tls/node.p12.password")),
        "the self-signed certificate is kept across restarts");

    HttpResponse<String> fn = call("GET", "/v1/functions/echo", null);
    assertEquals(200, fn.statusCode(), "the token and the function outlive the node: " + fn.body());
    assertEquals(
        FunctionImages.withCommand("e2e-second", "[\"cat\"]"),
        JSON.readTree(fn.body()).get("image").asText());
  }

  @Test
  @Order(4)
  void recoversFromARestartOfNats() throws Exception {
    nats.stop();
    awaitStatus("/readyz", 503);
    nats.start();
    awaitStatus("/readyz", 200);

    HttpResponse<String> fn = call("GET", "/v1/functions/echo", null);
    assertEquals(200, fn.statusCode(), fn.body());
    HttpResponse<String> created =
        call("POST", "/v1/functions",
            "{\"name\":\"after-restart\",\"image\":\"" + FunctionImages.BASE + "\"}");
    assertEquals(201, created.statusCode(), "writes work again: " + created.body());
  }

  @Test
  @Order(5)
  void servesOperationsEndpoints() throws Exception {
    assertEquals(200, call("GET", "/healthz", null).statusCode());
    HttpResponse<String> metrics = call("GET", "/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("http_server_requests"), "request metrics are exported");
    assertTrue(metrics.body().contains("jvm_memory"), "JVM metrics are exported");
    // Nothing is running now: the API node answers no activation and holds no permit.
    assertTrue(metrics.body().matches("(?s).*\nfaas_api_activations\\{[^}]*} 0\\.0\n.*"),
        "activations in flight: " + metrics.body());
    assertTrue(metrics.body().matches("(?s).*\nfaas_api_permits\\{[^}]*} 0\\.0\n.*"),
        "node permits held");
    HttpResponse<String> openapi = call("GET", "/v1/openapi.yaml", null);
    assertEquals(200, openapi.statusCode());
    assertTrue(openapi.body().contains("/v1/functions/{name}"));
  }

  @Test
  @Order(6)
  void aDeletedUsersTokenStopsWorkingAtOnce() throws Exception {
    assertEquals(204, call("DELETE", "/v1/users/me", null).statusCode());
    HttpResponse<String> after = call("GET", "/v1/functions", null);
    assertEquals(401, after.statusCode());
    assertTrue(after.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
  }

  private void awaitStatus(String path, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      try {
        last = call("GET", path, null).statusCode();
        if (last == status) {
          return;
        }
      } catch (java.io.IOException e) {
        last = -1;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " answered " + last + ", not " + status + ":\n" + node.log());
  }
}
