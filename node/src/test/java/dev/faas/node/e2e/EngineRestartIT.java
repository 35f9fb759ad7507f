package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.PrivateEngine;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker heals itself when its engine comes back (issue 10, point 4): with the engine stopped,
 * the node says it is not ready and calls fail fast with 503; once the engine is started again,
 * the same node process serves within seconds and removes what the outage left behind. The
 * engine is one of the test's own, so stopping it disturbs nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineRestartIT {
  private static final Duration FAST = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private PrivateEngine engine;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    String image = FunctionImages.withCommand("restart-echo", "[\"cat\"]");
    engine =
        new PrivateEngine(Path.of("/tmp", "faas-engine-" + UUID.randomUUID().toString().substring(0, 8)))
            .start();
    engine.load(image);
    cluster = TestCluster.start(dir, EngineRestartIT.class);
    node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_WARM_POOL", "true",
                "FAAS_DOCKER_HOST", engine.host()));
    api = TestCluster.signUp(node, "restart");
    api.createFunction("echo", image);
    Activations.awaitWorker(api, "echo");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (engine != null) {
        engine.close();
      }
    }
  }

  @Test
  void aStoppedEngineFailsCallsFastAndItsReturnIsServedByTheSameNode() throws Exception {
    String platform = "dev.faas.platform=" + cluster.platform();
    List<String> before =
        Await.until(FAST, "a pre-started container", () -> engine.containers(platform),
            ids -> !ids.isEmpty());

    engine.stop();
    JsonNode readiness =
        Await.until(FAST, "the node saying it is not ready", () -> api.get("/readyz"),
                r -> r.status() == 503)
            .json();
    assertFalse(readiness.get("checks").get("docker").asBoolean(), readiness::toString);
    for (int i = 0; i < 3; i++) {
      Reply reply = api.invoke("echo", "while the engine is down");
      Activations.problem(reply, 503);
      assertTrue(reply.took().compareTo(FAST) < 0, "failed fast: " + reply);
    }

    engine.start();
    long restarted = System.nanoTime();
    Reply served =
        Await.until(FAST, "a call served again by the same node process",
            () -> api.invoke("echo", "after the restart"), r -> r.status() == 200);
    assertEquals("after the restart", served.text());
    assertTrue(Duration.ofNanos(System.nanoTime() - restarted).compareTo(FAST) < 0);
    assertEquals(200, api.get("/readyz").status());
    assertTrue(node.isAlive(), "no restart of the node was needed");

    Await.until(
        Duration.ofSeconds(30),
        "removal of the containers the outage left",
        () -> engine.containers(platform),
        now -> before.stream().noneMatch(now::contains));
  }
}
