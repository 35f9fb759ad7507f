package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * A worker process killed with SIGKILL in the middle of an activation, with the API node in a
 * process of its own: the caller hears of it within seconds, the activation never runs again, the
 * restarted worker removes the container its dead run left, and no place in the limit leaks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationWorkerLossIT {
  private static final int LIMIT = 2;
  private static final String ACK_WAIT = "3s";
  /** Far below the function's own timeout (60 s) and its 20 s of sleep. */
  private static final Duration FEW_SECONDS = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess worker;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ActivationWorkerLossIT.class);
    // Every node sets the work queue's consumer to its own ack wait when it connects: alike on
    // both. Short, so that the lost activation is handed out again (and dropped) sooner.
    NodeProcess apiNode =
        cluster.startNode(
            "api",
            Map.of(
                "FAAS_ROLES", "api",
                "FAAS_MAX_CONCURRENT", Integer.toString(LIMIT),
                "FAAS_ACK_WAIT", ACK_WAIT));
    worker =
        cluster.startNode(
            "worker",
            Map.of(
                "FAAS_ROLES", "worker",
                "FAAS_MAX_CONCURRENT", Integer.toString(LIMIT),
                "FAAS_WORKER_SLOTS", "4",
                "FAAS_ACK_WAIT", ACK_WAIT));
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    String sleeper = FunctionImages.withCommand("sleeps-20", "[\"sleep\",\"20\"]");
    String slow = FunctionImages.withCommand("sleep-2-cat", "[\"sh\",\"-c\",\"sleep 2; cat\"]");
    api = TestCluster.signUp(apiNode, "workerloss");
    TestCluster.awaitReady(worker);
    api.createFunction("echo", cat);
    api.createFunction("{\"name\":\"sleeps\",\"timeoutMs\":60000,\"image\":\"" + sleeper + "\"}");
    api.createFunction("slow", slow);
    Activations.awaitWorker(api, "echo");
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
  void aWorkerKilledMidActivationIsAClearErrorAndLeaksNothing() throws Exception {
    CompletableFuture<Reply> call =
        api.invokeAsync("sleeps", "zz".getBytes(StandardCharsets.UTF_8));
    String container =
        DockerEngine.awaitRunning(cluster.platform(), 1, Duration.ofSeconds(15)).get(0);
    String id = DockerEngine.label(container, DockerEngine.ACTIVATION_LABEL);
    assertFalse(id.isEmpty(), "the container names its activation");

    Instant killedAt = Instant.now();
    worker.kill();
    Reply reply = call.join();
    Duration heard = Duration.between(killedAt, Instant.now());
    JsonNode problem = Activations.problem(reply, 503);
    assertTrue(heard.compareTo(FEW_SECONDS) < 0, () -> "heard after " + heard + ": " + reply);
    assertEquals(id, problem.get("activationId").asText(), problem::toString);
    assertTrue(problem.get("detail").asText().contains("worker"), problem::toString);
    assertEquals(
        List.of(container),
        DockerEngine.containersOf(id),
        "nothing but the dead worker's successor removes its container");

    worker.start();
    TestCluster.awaitReady(worker);
    Await.until(
        Duration.ofSeconds(20),
        "the restarted worker's removal of what its dead run left",
        () -> DockerEngine.containersOf(id),
        List::isEmpty);
    Await.until(
        Duration.ofSeconds(30),
        "the lost activation's place in the limit to be given back",
        cluster.nats()::activationsHeld,
        held -> held == 0);
    assertEquals(
        List.of(),
        DockerEngine.createdBetween(
            killedAt, Instant.now(), DockerEngine.ACTIVATION_LABEL + "=" + id),
        "the lost activation ran again");

    Activations.awaitWorker(api, "echo");
    Activations.assertAllEchoed(Activations.join(Activations.fire(api, "slow", LIMIT)));
  }
}
