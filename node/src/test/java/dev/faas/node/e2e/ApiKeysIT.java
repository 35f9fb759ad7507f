package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys (API.md, "API keys") on real nodes: two API nodes (A also a worker) over one NATS.
 * Keys are made through A and used through either; a key revoked through A is refused by B within
 * a second (the KV watch), and a user's keys go with the user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeysIT {
  private static final String INSUFFICIENT_SCOPE = "https://faas.dev/problems/insufficient-scope";

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess nodeA;
  private NodeProcess nodeB;
  private HttpClient clientB;
  private String echoImage;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ApiKeysIT.class);
    nodeA = cluster.startNode("a", Map.of("FAAS_ROLES", "api,worker"));
    nodeB = cluster.startNode("b", Map.of("FAAS_ROLES", "api"));
    TestCluster.awaitReady(nodeA);
    clientB = TestCluster.awaitReady(nodeB);
    echoImage = FunctionImages.withCommand("keys-echo", "[\"cat\"]");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKeyIsShownOnceAndNeverListed() throws Exception {
    FaasClient user = TestCluster.signUp(nodeA, "keys-shown");
    Reply created =
        user.call("POST", "/v1/keys", "{\"name\":\"ci\",\"scope\":\"invoke\",\"functions\":[\"echo\"]}");
    assertEquals(201, created.status(), created.text());
    JsonNode body = created.json();
    String key = body.get("key").asText();
    assertTrue(key.startsWith("fk_"), key);
    assertEquals("invoke", body.get("scope").asText());
    assertEquals("echo", body.get("functions").get(0).asText());

    Reply listed = user.on(clientB, nodeB.baseUrl()).get("/v1/keys");
    assertEquals(200, listed.status(), listed.text());
    JsonNode only = listed.json().get("keys").get(0);
    assertEquals(body.get("id").asText(), only.get("id").asText());
    assertEquals("ci", only.get("name").asText());
    assertFalse(only.has("key"), listed.text());
    assertFalse(listed.text().contains(key.substring(key.indexOf('_', 3) + 1)), listed.text());

    Reply invalid = user.call("POST", "/v1/keys", "{\"name\":\"x\",\"scope\":\"root\"}");
    assertEquals(400, invalid.status(), invalid.text());
    assertTrue(invalid.text().contains("scope"), invalid.text());
  }

  @Test
  void anInvokeKeyInvokesItsFunctionsAndNothingElse() throws Exception {
    FaasClient user = TestCluster.signUp(nodeA, "keys-invoke");
    user.createFunction("echo", echoImage);
    user.createFunction("other", echoImage);
    FaasClient key =
        withKey(user, "{\"name\":\"ci\",\"scope\":\"invoke\",\"functions\":[\"echo\"]}");

    Reply invoked = key.invoke("echo", "hello");
    assertEquals(200, invoked.status(), invoked.text());
    assertEquals("hello", invoked.text());
    // It reads the record of what it started, not one its user started with a token.
    Reply own = key.get("/v1/activations/" + invoked.header("X-Activation-Id"));
    assertEquals(200, own.status(), own.text());
    assertEquals("echo", own.json().get("function").asText());
    Reply byToken = user.invoke("echo", "token");
    assertEquals(200, byToken.status(), byToken.text());
    String tokenId = byToken.header("X-Activation-Id");
    assertEquals(200, user.get("/v1/activations/" + tokenId).status());
    assertEquals(404, key.get("/v1/activations/" + tokenId).status());
    // Its listing holds what it started and nothing its user started otherwise.
    Reply listed = key.get("/v1/activations");
    assertEquals(200, listed.status(), listed.text());
    List<String> ids = new ArrayList<>();
    listed.json().get("activations").forEach(a -> ids.add(a.get("activationId").asText()));
    assertEquals(List.of(invoked.header("X-Activation-Id")), ids);
    Reply listedEcho = key.get("/v1/activations?function=echo");
    assertEquals(1, listedEcho.json().get("activations").size(), listedEcho.text());
    Reply all = user.get("/v1/activations");
    assertEquals(2, all.json().get("activations").size(), all.text());

    assertRefused(key.invoke("other", "hello"));
    assertRefused(key.call("POST", "/v1/functions", "{\"name\":\"mine\",\"image\":\"" + echoImage + "\"}"));
    assertRefused(key.call("DELETE", "/v1/functions/echo", null));
    assertRefused(key.get("/v1/functions"));
    assertRefused(key.call("POST", "/v1/keys", "{\"name\":\"more\",\"scope\":\"manage\"}"));

    Reply verified = key.get("/v1/auth/verify");
    assertEquals(200, verified.status(), verified.text());
    assertEquals("keys-invoke", verified.header("X-User"));
  }

  @Test
  void aManageKeyCreatesFunctionsButNotKeys() throws Exception {
    FaasClient user = TestCluster.signUp(nodeA, "keys-manage");
    FaasClient key = withKey(user, "{\"name\":\"deploy\",\"scope\":\"manage\"}");
    Reply created =
        key.call("POST", "/v1/functions", "{\"name\":\"made\",\"image\":\"" + echoImage + "\"}");
    assertEquals(201, created.status(), created.text());
    assertRefused(key.call("POST", "/v1/keys", "{\"name\":\"more\",\"scope\":\"manage\"}"));
    assertRefused(key.get("/v1/keys"));
    assertRefused(key.get("/v1/registries"));
    assertRefused(key.call("DELETE", "/v1/users/me", null));
    assertEquals(200, user.get("/v1/users/me").status());
  }

  @Test
  void anExpiredKeyIsRefused() throws Exception {
    FaasClient user = TestCluster.signUp(nodeA, "keys-expire");
    Instant expiresAt = Instant.now().plusSeconds(3);
    FaasClient key =
        withKey(
            user,
            "{\"name\":\"short\",\"scope\":\"manage\",\"expiresAt\":\"" + expiresAt + "\"}");
    assertEquals(200, key.get("/v1/auth/verify").status());
    Reply refused =
        Await.until(
            Duration.ofSeconds(15),
            "the key to expire",
            () -> key.get("/v1/auth/verify"),
            r -> r.status() != 200);
    assertEquals(401, refused.status(), refused.text());
    assertFalse(Instant.now().isBefore(expiresAt), "refused before it expired");
    Reply past =
        user.call(
            "POST",
            "/v1/keys",
            "{\"name\":\"past\",\"scope\":\"manage\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
    assertEquals(400, past.status(), past.text());
  }

  @Test
  void aRevokedKeyIsRefusedByTheOtherApiNodeWithinASecond() throws Exception {
    FaasClient user = TestCluster.signUp(nodeA, "keys-revoke");
    Reply created = user.call("POST", "/v1/keys", "{\"name\":\"ci\",\"scope\":\"manage\"}");
    assertEquals(201, created.status(), created.text());
    String id = created.json().get("id").asText();
    FaasClient onB = user.on(clientB, nodeB.baseUrl()).withBearer(created.json().get("key").asText());
    Await.until(
        Duration.ofSeconds(10),
        "node B to accept the new key",
        () -> onB.get("/v1/auth/verify").status(),
        s -> s == 200);

    long revoked = System.nanoTime();
    Reply deleted = user.call("DELETE", "/v1/keys/" + id, null);
    assertEquals(204, deleted.status(), deleted.text());
    Duration took = null;
    while (System.nanoTime() - revoked < Duration.ofSeconds(5).toNanos()) {
      if (onB.get("/v1/auth/verify").status() == 401) {
        took = Duration.ofNanos(System.nanoTime() - revoked);
        break;
      }
      Thread.sleep(5);
    }
    System.out.println("ApiKeysIT: revoked key refused by node B after " + took);
    assertTrue(took != null && took.compareTo(Duration.ofSeconds(1)) < 0, "took " + took);
    assertEquals(401, onB.get("/v1/functions").status());
    assertEquals(404, user.call("DELETE", "/v1/keys/" + id, null).status());
  }

  @Test
  void keysGoWithTheirUser() throws Exception {
    FaasClient user = TestCluster.signUp(nodeA, "keys-leave");
    Reply created = user.call("POST", "/v1/keys", "{\"name\":\"ci\",\"scope\":\"manage\"}");
    assertEquals(201, created.status(), created.text());
    String key = created.json().get("key").asText();
    FaasClient onA = user.withBearer(key);
    FaasClient onB = user.on(clientB, nodeB.baseUrl()).withBearer(key);
    assertEquals(200, onA.get("/v1/auth/verify").status());
    assertEquals(200, onB.get("/v1/auth/verify").status());

    assertEquals(204, user.call("DELETE", "/v1/users/me", null).status());
    assertEquals(401, onA.get("/v1/auth/verify").status());
    Await.until(
        Duration.ofSeconds(5),
        "node B to refuse the key of a deleted user",
        () -> onB.get("/v1/auth/verify").status(),
        s -> s == 401);
    // Registering the name again does not revive the old user's key.
    TestCluster.signUp(nodeA, "keys-leave");
    assertEquals(401, onA.get("/v1/auth/verify").status());
  }

  private static FaasClient withKey(FaasClient user, String json) throws Exception {
    Reply created = user.call("POST", "/v1/keys", json);
    assertEquals(201, created.status(), created.text());
    return user.withBearer(created.json().get("key").asText());
  }

  private static void assertRefused(Reply reply) {
    assertEquals(403, reply.status(), reply.text());
    assertEquals(INSUFFICIENT_SCOPE, reply.json().get("type").asText(), reply.text());
  }
}
