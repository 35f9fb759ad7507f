package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.SlowProxy;
import dev.faas.node.it.TestCluster;
import dev.faas.registry.testing.LoopbackRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Functions from real registries through the API, under {@code FAAS_IMAGE_POLICY=registry}: an
 * anonymous registry over plain HTTP and a private one with TLS (a CA of the test's, trusted where
 * the engine looks) and htpasswd users. Images are pushed there by the test and removed from the
 * engine, so every run of them is a pull by the platform.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryImagesIT {
  private static final String USER = "registry-user";
  private static final String PASSWORD = "registry-" + UUID.randomUUID();
  private static final Duration PULLED = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private final String repo = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> pushed = new ArrayList<>();
  private LoopbackRegistry open;
  private LoopbackRegistry secure;
  private SlowProxy slow;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient alice;
  private FaasClient bob;

  @BeforeAll
  void start() throws Exception {
    open = LoopbackRegistry.start();
    secure = LoopbackRegistry.startSecure(USER, PASSWORD);
    slow = SlowProxy.to(Integer.parseInt(open.host().split(":")[1]), Duration.ofMillis(1500));
    cluster = TestCluster.start(dir, RegistryImagesIT.class);
    node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_IMAGE_POLICY", "registry",
                "FAAS_REGISTRY_ALLOW",
                    String.join(",", open.host(), secure.host(), slow.host())));
    alice = TestCluster.signUp(node, "alice");
    bob = TestCluster.signUp(node, "bob");
  }

  @AfterAll
  void stop() throws Exception {
    try (LoopbackRegistry a = open;
        LoopbackRegistry b = secure;
        SlowProxy c = slow;
        TestCluster d = cluster) {
      for (String image : pushed) {
        removeFromEngine(image);
      }
    }
  }

  @Test
  void anAnonymousImageIsPinnedPrePulledAndRun() throws Exception {
    String image = push(open, "echo", "hello-from-open");
    long pullsBefore = metric("faas_engine_pulls_started_total");

    JsonNode created = create(alice, "open-echo", image);

    assertTrue(created.get("imageDigest").asText().startsWith("sha256:"), created.toString());
    // Registering pulls it ahead of the first call; the function is ready once a worker has it.
    Await.until(PULLED, () -> image + " pre-pulled", () -> onEngine(runImage(created)));
    Await.until(PULLED, () -> "status ready", () -> status(alice, "open-echo").equals("ready"));
    assertEquals(1, metric("faas_engine_pulls_started_total") - pullsBefore, "pulls");
    assertEquals("hello-from-open", alice.invoke("open-echo", "").text());
  }

  @Test
  void aPrivateImageRunsWithTheOwnersCredentialsAndNobodyElses() throws Exception {
    String image = push(secure, "private", "secret-output");

    Reply anonymous = alice.call("POST", "/v1/functions", fn("priv", image));
    assertImageRefused(anonymous, "unauthorized", "PUT /v1/registries/" + secure.host());

    Reply wrong = alice.call("PUT", "/v1/registries/" + secure.host(), login("wrong-pass"));
    assertEquals(204, wrong.status(), wrong.text());
    assertImageRefused(
        alice.call("POST", "/v1/functions", fn("priv", image)), "unauthorized",
        "refused the credentials");
    assertEquals(404, alice.get("/v1/functions/priv").status(), "nothing stored");

    assertEquals(204, alice.call("PUT", "/v1/registries/" + secure.host(), login(PASSWORD)).status());
    JsonNode created = create(alice, "priv", image);
    String runImage = runImage(created);
    Await.until(PULLED, () -> "private image pre-pulled", () -> onEngine(runImage));
    removeFromEngine(runImage);
    assertEquals("secret-output", alice.invoke("priv", "").text(), "pulled again on demand");

    // Cached on the worker, yet bob, without credentials, can neither register it by tag nor by
    // its digest.
    assertTrue(onEngine(runImage));
    assertImageRefused(bob.call("POST", "/v1/functions", fn("stolen", image)), "unauthorized", "");
    assertImageRefused(
        bob.call("POST", "/v1/functions", fn("stolen", runImage)), "unauthorized", "");
  }

  @Test
  void aTagPushedAgainChangesNothingUntilTheFunctionIsUpdated() throws Exception {
    String image = push(open, "moving", "version-one");
    JsonNode v1 = create(alice, "moving", image);
    assertEquals("version-one", alice.invoke("moving", "").text());

    push(open, "moving", "version-two");
    assertEquals("version-one", alice.invoke("moving", "").text(), "the pinned digest runs");

    Reply updated = alice.call("PUT", "/v1/functions/moving", fn("moving", image));
    assertEquals(200, updated.status(), updated.text());
    assertNotEquals(v1.get("imageDigest").asText(), updated.json().get("imageDigest").asText());
    assertEquals("version-two", alice.invoke("moving", "").text());
  }

  @Test
  void withTheRegistryDownPulledImagesRunAndNewOnesAreRefusedSayingWhy() throws Exception {
    String image = push(open, "resilient", "still-here");
    String other = push(open, "never-pulled", "nope");
    JsonNode created = create(alice, "resilient", image);
    Await.until(PULLED, () -> "pre-pull", () -> onEngine(runImage(created)));
    open.stop();
    try {
      assertEquals("still-here", alice.invoke("resilient", "").text());
      assertImageRefused(
          alice.call("POST", "/v1/functions", fn("late", other)), "unreachable", open.host());
    } finally {
      open.resume();
    }
  }

  @Test
  void concurrentFirstCallsPullOnce() throws Exception {
    String image = push(open, "burst", "burst");
    JsonNode created = create(alice, "burst", image);
    String runImage = runImage(created);
    Await.until(PULLED, () -> "pre-pull", () -> onEngine(runImage));
    removeFromEngine(runImage);
    long before = metric("faas_engine_pulls_started_total");

    List<CompletableFuture<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(alice.invokeAsync("burst", new byte[0]));
    }
    for (CompletableFuture<Reply> call : calls) {
      assertEquals("burst", call.join().text());
    }
    assertEquals(1, metric("faas_engine_pulls_started_total") - before, "pulls for 4 calls");
  }

  @Test
  void aPullLongerThanTheFunctionsTimeoutIsNotChargedToIt() throws Exception {
    String image = push(open, "slow-pull", "worth-the-wait");
    String viaProxy = image.replace(open.host(), slow.host());
    JsonNode created =
        create(alice, "slow", "{\"name\":\"slow\",\"image\":\"" + viaProxy + "\",\"timeoutMs\":1000}");
    String runImage = runImage(created);
    Await.until(PULLED, () -> "pre-pull", () -> onEngine(runImage));
    removeFromEngine(runImage);

    Reply reply = alice.invoke("slow", "");

    assertEquals(200, reply.status(), reply.text());
    assertEquals("worth-the-wait", reply.text());
    assertTrue(reply.took().toMillis() > 1000, "the pull took " + reply.took());
  }

  @Test
  void aPrePullThatFailsShowsAsFailedUntilAPullSucceeds() throws Exception {
    String image = push(open, "flaky", "back-again");
    String viaProxy = image.replace(open.host(), slow.host());
    // Resolved through the slow proxy; the registry goes away before the pre-pull reaches it.
    create(alice, "flaky", viaProxy);
    open.stop();
    try {
      JsonNode failed =
          Await.until(
              PULLED, "status failed", () -> alice.get("/v1/functions/flaky").json(),
              f -> f.get("status").asText().equals("failed"));
      assertTrue(failed.get("statusDetail").asText().contains(slow.host()), failed.toString());
    } finally {
      open.resume();
    }
    assertEquals("back-again", alice.invoke("flaky", "").text(), "a call pulls it again");
    assertEquals("ready", status(alice, "flaky"));
  }

  @Test
  void aRegistryTheOperatorDoesNotAllowIsRefused() throws Exception {
    assertImageRefused(
        alice.call("POST", "/v1/functions", fn("elsewhere", "registry.example:5000/team/fn:1")),
        "not-allowed", "not among the registries");
  }

  /** Builds an image printing {@code output}, pushes it as {@code <registry>/<repo>/<name>:1}. */
  private String push(LoopbackRegistry registry, String name, String output) throws Exception {
    String local =
        FunctionImages.withCommand(
            repo + "-" + name + "-" + Integer.toHexString(output.hashCode()),
            "[\"printf\",\"" + output + "\"]");
    String remote = registry.host() + "/" + repo + "/" + name + ":1";
    registry.cli("tag", local, remote);
    registry.cli("push", "--quiet", remote);
    removeFromEngine(remote);
    pushed.add(remote);
    return remote;
  }

  private static JsonNode create(FaasClient client, String name, String json) throws Exception {
    // A bare image reference, or the function's whole JSON.
    String body = json.startsWith("{") ? json : fn(name, json);
    Reply created = client.call("POST", "/v1/functions", body);
    assertEquals(201, created.status(), created.text());
    return created.json();
  }

  private static String status(FaasClient client, String name) throws Exception {
    return client.get("/v1/functions/" + name).json().get("status").asText();
  }

  private static String runImage(JsonNode function) {
    String image = function.get("image").asText();
    int colon = image.lastIndexOf(':');
    String repository = colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    return repository + "@" + function.get("imageDigest").asText();
  }

  private static String fn(String name, String image) {
    return "{\"name\":\"" + name + "\",\"image\":\"" + image + "\"}";
  }

  private static String login(String password) {
    return "{\"username\":\"" + USER + "\",\"password\":\"" + password + "\"}";
  }

  private static void assertImageRefused(Reply reply, String reason, String inDetail) {
    assertEquals(400, reply.status(), reply.text());
    JsonNode problem = reply.json();
    assertEquals("https://faas.dev/problems/image-unavailable", problem.get("type").asText());
    assertEquals(reason, problem.get("reason").asText(), reply.text());
    assertTrue(problem.get("detail").asText().contains(inDetail), reply.text());
  }

  private boolean onEngine(String image) {
    try {
      open.cli("image", "inspect", "--format", "{{.Id}}", image);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private void removeFromEngine(String image) {
    try {
      open.cli("image", "rm", "--force", image);
    } catch (Exception e) {
      // Not there.
    }
  }

  private long metric(String name) throws Exception {
    for (String line : alice.get("/metrics").text().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
