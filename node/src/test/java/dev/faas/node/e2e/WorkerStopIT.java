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
import dev.faas.node.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a worker leaves (issue 10, point 6): stopped, it drains, its running activations finish
 * until its drain timeout and the rest are answered 503 saying so; killed, its containers are
 * removed by the next worker that starts on its engine, not after the sweep's age.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerStopIT {
  private static final Duration DRAIN = Duration.ofSeconds(8);

  @TempDir static Path dir;
  private TestCluster cluster;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, WorkerStopIT.class);
    NodeProcess apiNode = cluster.startNode("api", Map.of("FAAS_ROLES", "api"));
    api = TestCluster.signUp(apiNode, "stopper");
    api.createFunction("echo", FunctionImages.BASE);
    api.createFunction(
        "{\"name\":\"slow\",\"timeoutMs\":30000,\"image\":\""
            + FunctionImages.withCommand("slow", "[\"sh\",\"-c\",\"cat; sleep 3\"]")
            + "\"}");
    api.createFunction(
        "{\"name\":\"endless\",\"timeoutMs\":120000,\"image\":\""
            + FunctionImages.withCommand("endless", "[\"sh\",\"-c\",\"cat >/dev/null; sleep 120\"]")
            + "\"}");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private NodeProcess worker(String name) throws Exception {
    NodeProcess worker =
        cluster.startNode(
            name, Map.of("FAAS_ROLES", "worker", "FAAS_DRAIN_TIMEOUT", DRAIN.toSeconds() + "s"));
    TestCluster.awaitReady(worker);
    Activations.awaitWorker(api, "echo");
    return worker;
  }

  private List<String> running() throws Exception {
    return DockerEngine.containers(
        DockerEngine.PLATFORM_LABEL + "=" + cluster.platform(), DockerEngine.ACTIVATION_LABEL);
  }

  @Test
  @Order(1)
  void aStoppingWorkerFinishesWhatRunsAndStopsWhatOutlivesItsDrain() throws Exception {
    NodeProcess worker = worker("w1");
    CompletableFuture<Reply> slow = api.invokeAsync("slow", bytes("finished"));
    CompletableFuture<Reply> endless = api.invokeAsync("endless", bytes("x"));
    Await.until(Duration.ofSeconds(30), "both running", this::running, ids -> ids.size() == 2);

    long stoppedAt = System.nanoTime();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return worker.stop();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    // A stopping worker takes nothing new; with no other worker, a new call fails fast.
    Reply refused =
        Await.until(Duration.ofSeconds(10), "a new call refused",
            () -> api.invoke("echo", "too late"), r -> r.status() == 503);
    assertTrue(refused.took().compareTo(Duration.ofSeconds(5)) < 0, refused::toString);

    Reply finished = slow.join();
    assertEquals(200, finished.status(), finished::toString);
    assertEquals("finished", finished.text());

    JsonNode stopped = Activations.problem(endless.join(), 503);
    assertTrue(stopped.get("detail").asText().contains("stopped before it ended"), stopped::toString);
    Duration answeredAfter = Duration.ofNanos(System.nanoTime() - stoppedAt);
    assertTrue(answeredAfter.compareTo(DRAIN.plusSeconds(10)) < 0,
        "answered " + answeredAfter.toMillis() + " ms after the stop");
    assertEquals("failed",
        Activations.record(api, stopped.get("activationId").asText()).get("status").asText());

    // 143: the JVM's own exit on SIGTERM once shutdown is done; 137 would be the test's SIGKILL.
    assertEquals(143, (int) exit.join(), "the worker exited by itself");
    assertEquals(List.of(),
        DockerEngine.containers(DockerEngine.PLATFORM_LABEL + "=" + cluster.platform()),
        "nothing left of it");
  }

  @Test
  @Order(2)
  void aKilledWorkersContainersAreRemovedByTheNextWorkerOnItsEngine() throws Exception {
    NodeProcess killed = worker("w2");
    CompletableFuture<Reply> orphaned = api.invokeAsync("endless", bytes("x"));
    List<String> left =
        Await.until(Duration.ofSeconds(30), "its activation running", this::running,
            ids -> ids.size() == 1);
    killed.kill();
    Activations.problem(orphaned.join(), 503);
    assertEquals(left, running(), "a killed worker leaves its container running");

    worker("w3");
    Await.until(
        Duration.ofSeconds(30),
        "removal of the killed worker's container by the next worker",
        this::running,
        ids -> ids.stream().noneMatch(left::contains));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
