package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.PoolMetrics;
import dev.faas.node.it.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing toward warm workers (docs/decisions/0005), on real nodes: one API node, two workers.
 * Worker A holds pre-started containers for a function, worker B does not; B takes work from the
 * shared queue, yet every call of the function goes to A.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingIT {
  private static final int CALLS = 8;

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess apiNode;
  private NodeProcess workerA;
  private NodeProcess workerB;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, RoutingIT.class);
    Map<String, String> worker =
        Map.of("FAAS_ROLES", "worker", "FAAS_WARM_POOL", "true", "FAAS_WORKER_SLOTS", "4",
            "FAAS_MAX_CONCURRENT", "8");
    apiNode = cluster.startNode("api", Map.of("FAAS_ROLES", "api", "FAAS_MAX_CONCURRENT", "8"));
    workerA = cluster.startNode("worker-a", worker);
    api = TestCluster.signUp(apiNode, "router");
    TestCluster.awaitReady(workerA);
    api.createFunction("whoami",
        FunctionImages.withCommand("whoami", "[\"sh\",\"-c\",\"cat >/dev/null; cat /etc/hostname\"]"));
    // Arguments mode: never pre-started, so never routed: it goes to whichever worker pulls.
    api.createFunction(
        "{\"name\":\"other\",\"inputMode\":\"arg\",\"image\":\""
            + FunctionImages.image("routing-other", "ENTRYPOINT [\"echo\"]")
            + "\"}");
    Await.until(Duration.ofSeconds(30), "a first call, on worker A (the only one)",
        () -> api.invoke("whoami", "ping"), r -> r.status() == 200);
    HttpClient aClient = workerA.trustingClient();
    Await.until(Duration.ofSeconds(30), "worker A holding a pre-started container",
        () -> idle(aClient, workerA), n -> n >= 1);

    workerB = cluster.startNode("worker-b", worker);
    TestCluster.awaitReady(workerB);
    // B must be pulling from the shared queue, or the test below would prove nothing. The
    // probe's function is never routed (arguments mode), so it lands on A or B at random.
    Await.until(Duration.ofSeconds(60), "a call of another function run by worker B",
        () -> ranOn(workerB, api.invoke("other", "x")), onB -> onB);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void callsOfAFunctionGoToTheWorkerHoldingItsWarmContainers() throws Exception {
    HttpClient aClient = workerA.trustingClient();
    List<String> ids = new ArrayList<>();
    int warm = 0;
    for (int i = 0; i < CALLS; i++) {
      Await.until(Duration.ofSeconds(30), "worker A's pool settled",
          () -> starting(aClient, workerA), n -> n == 0);
      Reply reply = api.invoke("whoami", "call " + i);
      assertEquals(200, reply.status(), reply.toString());
      String id = reply.header("X-Activation-Id");
      ids.add(id);
      Reply record = api.call("GET", "/v1/activations/" + id, null);
      if (record.json().path("warm").asBoolean()) {
        warm++;
      }
    }
    String logA = workerA.log();
    String logB = workerB.log();
    for (String id : ids) {
      assertTrue(logA.contains("Activation [" + id + "] of [whoami] finished"),
          "ran on worker A: " + id);
      assertFalse(logB.contains("Activation [" + id + "]"), "not on worker B: " + id);
    }
    assertTrue(warm >= CALLS / 2, "most found a pre-started container: " + warm + "/" + CALLS);
  }

  private static boolean ranOn(NodeProcess worker, Reply reply) throws Exception {
    String id = reply.header("X-Activation-Id");
    return reply.status() == 200 && id != null && worker.log().contains("Activation [" + id + "]");
  }

  private static double idle(HttpClient client, NodeProcess node) throws Exception {
    return poolGauge(client, node, "idle");
  }

  private static double starting(HttpClient client, NodeProcess node) throws Exception {
    return poolGauge(client, node, "starting");
  }

  private static double poolGauge(HttpClient client, NodeProcess node, String state)
      throws Exception {
    HttpResponse<String> metrics =
        client.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    return PoolMetrics.containers(metrics.body(), state);
  }
}
