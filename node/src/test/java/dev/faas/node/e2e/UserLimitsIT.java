package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits per user and per function (docs/decisions/0015-per-user-limits.md) through the HTTPS
 * API of two API nodes on one nats-server: the cluster's limit is far above the per-user one and
 * the worker has slots for all, so anything admitted over a user's or a function's limit would
 * visibly run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserLimitsIT {
  private static final int CLUSTER = 8;
  private static final int PER_USER = 2;
  private static final int FUNCTIONS = 4;
  /** Answered at once: refused by admission, nothing queued. */
  private static final Duration AT_ONCE = Duration.ofSeconds(2);
  private static final Duration STARTED = Duration.ofSeconds(15);

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess a;
  private NodeProcess b;
  private FaasClient hogA;
  private FaasClient hogB;
  private FaasClient other;
  private String slow;
  private String cat;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, UserLimitsIT.class);
    Map<String, String> common =
        Map.of(
            "FAAS_MAX_CONCURRENT", Integer.toString(CLUSTER),
            "FAAS_MAX_CONCURRENT_PER_USER", Integer.toString(PER_USER),
            "FAAS_MAX_FUNCTIONS_PER_USER", Integer.toString(FUNCTIONS),
            "FAAS_WORKER_SLOTS", "10");
    a = cluster.startNode("a", with(common, "FAAS_ROLES", "api,worker"));
    b = cluster.startNode("b", with(common, "FAAS_ROLES", "api"));
    cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    slow = FunctionImages.withCommand("sleep-3-cat", "[\"sh\",\"-c\",\"sleep 3; cat\"]");
    hogA = TestCluster.signUp(a, "hog");
    hogB = hogA.on(TestCluster.awaitReady(b), b.baseUrl());
    other = TestCluster.signUp(a, "other");
    hogA.createFunction("slow", slow);
    hogA.createFunction(
        "{\"name\":\"single\",\"image\":\"" + slow + "\",\"maxConcurrency\":1}");
    other.createFunction("slow", slow);
    other.createFunction("echo", cat);
    Activations.awaitWorker(other, "echo");
    Await.until(
        Duration.ofSeconds(30), "node b serving hog's function",
        () -> hogB.invoke("slow", "ping"), r -> r.status() == 200);
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> all = new HashMap<>(env);
    all.put(key, value);
    return all;
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void noContainerIsLeft() throws Exception {
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
  }

  @Test
  void aBurstOfThreeTimesTheUserLimitThroughTwoNodesRunsExactlyTheLimitAndOthersStillRun()
      throws Exception {
    List<CompletableFuture<Reply>> burst = new ArrayList<>();
    for (int i = 0; i < 3 * PER_USER; i++) {
      FaasClient via = i % 2 == 0 ? hogA : hogB;
      burst.add(via.invokeAsync("slow", ("call-" + i).getBytes()));
    }
    // The refusals come at once, while the admitted calls still run.
    Await.until(
        Duration.ofSeconds(10), "the refusals",
        () -> burst.stream().filter(CompletableFuture::isDone).count(),
        done -> done >= 2L * PER_USER);
    List<Reply> refused = new ArrayList<>();
    List<CompletableFuture<Reply>> admitted = new ArrayList<>();
    for (CompletableFuture<Reply> call : burst) {
      if (call.isDone()) {
        refused.add(call.join());
      } else {
        admitted.add(call);
      }
    }
    assertEquals(PER_USER, admitted.size(), "admitted of the burst");
    for (Reply r : refused) {
      assertType(Activations.problem(r, 429), "limit-user");
      assertNotNull(r.header("Retry-After"), r::toString);
      assertTrue(r.took().compareTo(AT_ONCE) < 0, () -> "not at once: " + r);
    }
    DockerEngine.awaitRunning(cluster.platform(), PER_USER, STARTED);

    // The user's usage shows on /v1/users/me, on either node.
    JsonNode me = hogB.get("/v1/users/me").json();
    assertEquals(PER_USER, me.path("limits").path("concurrent").asInt(), me::toString);
    assertEquals(FUNCTIONS, me.path("limits").path("functions").asInt(), me::toString);
    assertEquals(PER_USER, me.path("usage").path("concurrent").asInt(), me::toString);
    assertEquals(2, me.path("usage").path("functions").asInt(), me::toString);

    // Another user still gets places while the hog holds all of theirs.
    Activations.assertAllEchoed(Activations.join(Activations.fire(other, "slow", PER_USER)));
    for (CompletableFuture<Reply> call : admitted) {
      assertEquals(200, call.join().status(), call.join()::toString);
    }
    // All given back: the whole limit again.
    Await.until(
        Duration.ofSeconds(5), "usage back to 0",
        () -> hogA.get("/v1/users/me").json(),
        j -> j.path("usage").path("concurrent").asInt(-1) == 0);
    Activations.assertAllEchoed(Activations.join(Activations.fire(hogB, "slow", PER_USER)));
  }

  @Test
  void aSecondConcurrentCallOfAFunctionWithMaxConcurrencyOneIs429LimitFunction()
      throws Exception {
    CompletableFuture<Reply> first = hogA.invokeAsync("single", "first".getBytes());
    DockerEngine.awaitRunning(cluster.platform(), 1, STARTED);
    Reply second = hogB.invoke("single", "second");
    assertType(Activations.problem(second, 429), "limit-function");
    assertNotNull(second.header("Retry-After"), second::toString);
    assertEquals(200, first.join().status());
    // Given back once done: the next call runs.
    assertEquals("third", hogB.invoke("single", "third").text());
  }

  @Test
  void maxConcurrencyIsValidatedAgainstTheUserLimit() throws Exception {
    for (String value : List.of("0", Integer.toString(PER_USER + 1), "\"1\"")) {
      Reply r =
          other.call(
              "POST", "/v1/functions",
              "{\"name\":\"bad\",\"image\":\"" + cat + "\",\"maxConcurrency\":" + value + "}");
      JsonNode problem = Activations.problem(r, 400);
      assertType(problem, "validation");
      assertEquals("maxConcurrency", problem.path("field").asText(), problem::toString);
    }
  }

  @Test
  void pastTheFunctionsPerUserA409LimitFunctions() throws Exception {
    FaasClient maker = TestCluster.signUp(a, "maker");
    for (int i = 0; i < FUNCTIONS; i++) {
      maker.createFunction("f" + i, cat);
    }
    Reply over = maker.call("POST", "/v1/functions", "{\"name\":\"more\",\"image\":\"" + cat + "\"}");
    assertType(Activations.problem(over, 409), "limit-functions");
    JsonNode me = maker.get("/v1/users/me").json();
    assertEquals(FUNCTIONS, me.path("usage").path("functions").asInt(), me::toString);
    assertEquals(0, me.path("usage").path("concurrent").asInt(), me::toString);
    assertEquals(204, maker.call("DELETE", "/v1/functions/f0", null).status());
    maker.createFunction("more", cat);
  }

  @Test
  void aFunctionWithTheLargestEnvironmentStillRunsAndALargerOneIsRefused() throws Exception {
    FaasClient env = TestCluster.signUp(a, "envuser");
    // 32 KiB of names and values in all, each counted as name=value.
    StringBuilder json = new StringBuilder("{");
    int left = 32 * 1024;
    for (int i = 0; left > 0; i++) {
      String name = String.format("V%03d", i);
      int value = Math.min(4000, left - name.length() - 1);
      json.append(i == 0 ? "" : ",").append('"').append(name).append("\":\"")
          .append("x".repeat(value)).append('"');
      left -= name.length() + 1 + value;
    }
    String fullEnv = json.append('}').toString();
    env.createFunction(
        "{\"name\":\"big\",\"image\":\"" + cat + "\",\"description\":\"" + "d".repeat(1024)
            + "\",\"env\":" + fullEnv + "}");
    Reply ran = Await.until(
        Duration.ofSeconds(30), "the function at the cap runs",
        () -> env.invoke("big", "hello"), r -> r.status() != 401);
    assertEquals(200, ran.status(), ran::toString);
    assertEquals("hello", ran.text());

    String overEnv = fullEnv.substring(0, fullEnv.length() - 1) + ",\"MORE\":\"x\"}";
    Reply refused =
        env.call("POST", "/v1/functions",
            "{\"name\":\"bigger\",\"image\":\"" + cat + "\",\"env\":" + overEnv + "}");
    JsonNode problem = Activations.problem(refused, 400);
    assertEquals("env", problem.path("field").asText(), problem::toString);
  }

  private static void assertType(JsonNode problem, String slug) {
    assertEquals("https://faas.dev/problems/" + slug, problem.path("type").asText(), problem::toString);
  }
}
