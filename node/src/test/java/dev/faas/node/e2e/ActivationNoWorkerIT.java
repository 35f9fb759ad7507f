package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** An API node with no worker anywhere: an invocation is answered 503 quickly, never a hang. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationNoWorkerIT {
  @TempDir static Path dir;
  private TestCluster cluster;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ActivationNoWorkerIT.class);
    NodeProcess node =
        cluster.startNode("api", Map.of("FAAS_ROLES", "api", "FAAS_MAX_CONCURRENT", "4"));
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    api = TestCluster.signUp(node, "noworker");
    api.createFunction("echo", cat);
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
  void withoutAWorkerAnInvocationIs503Quickly() throws Exception {
    Instant before = Instant.now();
    for (int i = 0; i < 3; i++) {
      Reply reply = api.invoke("echo", "anyone there?");
      JsonNode problem = Activations.problem(reply, 503);
      assertTrue(reply.took().compareTo(Duration.ofSeconds(2)) < 0, reply::toString);
      assertTrue(problem.get("detail").asText().contains("no worker"), problem::toString);
    }
    assertEquals(0, cluster.nats().activationsHeld(), "nothing stays queued for later");
    assertEquals(
        List.of(),
        DockerEngine.createdBetween(
            before, Instant.now(), DockerEngine.PLATFORM_LABEL + "=" + cluster.platform()));
  }
}
