package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.PoolMetrics;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm path through the real node: a recently used function is served from containers started
 * ahead of time, each container serves exactly one activation, timeouts and caps behave as on the
 * cold path, an update empties the function's pool and a stopping node removes what it kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmPathIT {
  private static final String POOL_LABEL = "dev.faas.pool";
  private static final Duration POOL_FILLS = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, WarmPathIT.class);
    node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_WARM_POOL", "true",
                "FAAS_MAX_CONCURRENT", "8",
                "FAAS_WORKER_SLOTS", "4"));
    api = TestCluster.signUp(node, "warm");
    // Reads its parameter, then says which container it ran in: a container's host name is its id.
    api.createFunction(
        "whoami",
        FunctionImages.withCommand(
            "whoami", "[\"sh\",\"-c\",\"cat >/dev/null; cat /etc/hostname\"]"));
    Await.until(
        Duration.ofSeconds(30),
        "a first successful call (a worker announced, the user known)",
        () -> api.invoke("whoami", "ping"),
        r -> r.status() == 200);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Waits until the worker's pool says it holds a started, untouched container (its metric). */
  private void awaitIdle() throws Exception {
    Await.until(POOL_FILLS, "a pre-started container", this::idleInPool, n -> n >= 1);
  }

  private double idleInPool() throws Exception {
    return PoolMetrics.containers(api.get("/metrics").text(), "idle");
  }

  @Test
  @Order(1)
  void aRecentlyUsedFunctionRunsWarmAndNoContainerServesTwice() throws Exception {
    Set<String> hosts = new HashSet<>();
    int calls = 12;
    for (int i = 0; i < calls; i++) {
      // Once a replacement is ready the call must be served by it: how fast replacements keep up
      // with back-to-back callers is the benchmark's business (bench/), not this test's.
      awaitIdle();
      Reply reply = api.invoke("whoami", "x", "Accept", "application/json");
      assertEquals(200, reply.status(), reply::toString);
      JsonNode record = reply.json();
      assertTrue(record.get("warm").asBoolean(), () -> "served cold with a container ready: " + record);
      assertTrue(hosts.add(record.get("result").asText().trim()),
          () -> "a container served twice: " + record);
      // An idle container spends next to no CPU in the pool and is never frozen for waiting.
      JsonNode preCall = record.get("preCall");
      assertTrue(preCall.isObject() && !preCall.get("frozen").asBoolean()
          && preCall.get("cpuMs").asLong() < 200, () -> "before the call: " + record);
    }
    assertEquals(calls, hosts.size(), "every activation had a container of its own");
  }

  @Test
  @Order(2)
  void aWarmCallIsKilledAtItsTimeoutLikeAColdOne() throws Exception {
    api.createFunction(
        "{\"name\":\"sleepy\",\"timeoutMs\":1000,\"image\":\""
            + FunctionImages.withCommand(
                "sleepy", "[\"sh\",\"-c\",\"cat >/dev/null; sleep 30\"]")
            + "\"}");
    Activations.problem(api.invoke("sleepy", "x"), 504);
    Await.until(POOL_FILLS, "a pre-started sleepy container",
        () -> DockerEngine.containers(
            DockerEngine.PLATFORM_LABEL + "=" + cluster.platform(), POOL_LABEL).size(),
        n -> n >= 2);
    JsonNode problem = Activations.problem(api.invoke("sleepy", "x"), 504);
    JsonNode record = Activations.record(api, problem.get("activationId").asText());
    assertEquals("timeout", record.get("status").asText());
  }

  @Test
  @Order(3)
  void aWarmFloodHitsTheOutputCapLikeAColdOne() throws Exception {
    api.createFunction(
        "flood",
        FunctionImages.withCommand("flood", "[\"sh\",\"-c\",\"cat >/dev/null; yes\"]"));
    Activations.problem(api.invoke("flood", "x"), 502);
    Await.until(POOL_FILLS, "a second call of flood served warm", () -> {
      JsonNode problem = Activations.problem(api.invoke("flood", "x"), 502);
      assertTrue(problem.get("detail").asText().contains("output"), problem::toString);
      return Activations.record(api, problem.get("activationId").asText());
    }, r -> r.get("warm").asBoolean());
  }

  @Test
  @Order(4)
  void anUpdateEmptiesTheFunctionsPool() throws Exception {
    api.invoke("whoami", "x");
    String image =
        FunctionImages.withCommand(
            "whoami", "[\"sh\",\"-c\",\"cat >/dev/null; cat /etc/hostname\"]");
    String platform = DockerEngine.PLATFORM_LABEL + "=" + cluster.platform();
    List<String> before =
        Await.until(POOL_FILLS, "a pre-started whoami container",
            () -> DockerEngine.containersFrom(image, platform, POOL_LABEL), ids -> !ids.isEmpty());
    Reply updated =
        api.call(
            "PUT",
            "/v1/functions/whoami",
            "{\"image\":\""
                + FunctionImages.withCommand(
                    "whoami", "[\"sh\",\"-c\",\"cat >/dev/null; cat /etc/hostname\"]")
                + "\",\"memoryMb\":64}");
    assertEquals(200, updated.status(), updated::toString);
    Await.until(
        Duration.ofSeconds(10),
        "removal of the idle containers of the old revision",
        () -> DockerEngine.containersFrom(image, platform, POOL_LABEL),
        now -> before.stream().noneMatch(now::contains));
  }

  @Test
  @Order(5)
  void aStoppingNodeRemovesEveryContainerItKept() throws Exception {
    api.invoke("whoami", "x");
    awaitIdle();
    node.stop();
    List<String> left = DockerEngine.containers(DockerEngine.PLATFORM_LABEL + "=" + cluster.platform());
    assertTrue(left.isEmpty(), "containers left after the node stopped: " + left);
  }
}
