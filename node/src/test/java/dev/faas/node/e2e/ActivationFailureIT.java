package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Functions that fail, each in its own way, through the HTTPS API of a real node on a real
 * nats-server and Docker engine: every way is told apart in the answer (API.md, "Invocation"),
 * every container goes, and the node stays healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationFailureIT {
  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ActivationFailureIT.class);
    node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_MAX_CONCURRENT", "4",
                "FAAS_WORKER_SLOTS", "2"));
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    api = TestCluster.signUp(node, "failures");
    api.createFunction("echo", cat);
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
  void aNonZeroExitIs502WithItsExitCode() throws Exception {
    api.createFunction(
        "exits-3",
        FunctionImages.withCommand(
            "exits-3", "[\"sh\",\"-c\",\"echo partial; echo failing >&2; exit 3\"]"));
    Reply reply = api.invoke("exits-3", "x");
    JsonNode problem = Activations.problem(reply, 502);
    assertEquals(3, problem.get("exitCode").asInt(), problem::toString);
    String id = problem.get("activationId").asText();
    assertEquals(reply.header("X-Activation-Id"), id);
    assertTrue(problem.get("detail").asText().contains("non-zero"), problem::toString);

    JsonNode record = Activations.record(api, id);
    assertEquals("failed", record.get("status").asText());
    assertEquals(3, record.get("exitCode").asInt());
    assertEquals("failing\n", record.get("logs").asText());
  }

  @Test
  void anImageGoneFromTheEngineAndFromEveryRegistryIs502SayingSo() throws Exception {
    // Registered while the engine had it (local-first uses it as it is), then removed: the
    // worker tries to pull it, no registry has it, and the call says so.
    String image = FunctionImages.withCommand("vanishing", "[\"cat\"]");
    api.createFunction("no-image", image);
    DockerEngine.removeImage(image);
    assertFalse(DockerEngine.hasImage(image));
    Reply reply = api.invoke("no-image", "x");
    JsonNode problem = Activations.problem(reply, 502);
    assertEquals("https://faas.dev/problems/image-unavailable", problem.get("type").asText());
    assertTrue(
        problem.get("detail").asText().toLowerCase(Locale.ROOT).contains("image was not found"),
        problem::toString);
    assertNotNull(problem.get("activationId"), problem::toString);
    assertFalse(problem.has("exitCode"), "nothing ran, so nothing exited: " + problem);
    JsonNode record = Activations.record(api, problem.get("activationId").asText());
    assertEquals("failed", record.get("status").asText());
  }

  @Test
  void anImageNoRegistryHasIsRefusedAtRegistration() throws Exception {
    String image = "faas-it/never-built:1";
    assertFalse(DockerEngine.hasImage(image), "the test relies on " + image + " not existing");
    Reply refused = api.call("POST", "/v1/functions",
        "{\"name\":\"never\",\"image\":\"" + image + "\"}");
    assertEquals(400, refused.status(), refused.text());
    assertEquals(
        "https://faas.dev/problems/image-unavailable", refused.json().get("type").asText());
    assertEquals(404, api.get("/v1/functions/never").status(), "nothing stored");
  }

  @Test
  void aTimeoutIs504AndItsContainerIsKilled() throws Exception {
    api.createFunction(
        "{\"name\":\"sleeps-30\",\"timeoutMs\":1000,\"image\":\""
            + FunctionImages.withCommand("sleeps-30", "[\"sleep\",\"30\"]")
            + "\"}");
    Reply reply = api.invoke("sleeps-30", "");
    JsonNode problem = Activations.problem(reply, 504);
    assertTrue(reply.took().compareTo(Duration.ofSeconds(10)) < 0, reply::toString);
    assertTrue(reply.took().compareTo(Duration.ofSeconds(1)) >= 0, reply::toString);
    String id = problem.get("activationId").asText();
    // Right after: within the removal the worker does alongside its answer, far below the 30 s
    // the container would otherwise run.
    Await.until(
        Duration.ofSeconds(5),
        "removal of the timed-out container",
        () -> DockerEngine.containersOf(id),
        List::isEmpty);
    assertEquals("timeout", Activations.record(api, id).get("status").asText());
  }

  @Test
  void aStdoutFloodIsCutOff() throws Exception {
    api.createFunction("yes", FunctionImages.withCommand("yes", "[\"yes\"]"));
    long before = System.nanoTime();
    Reply reply = api.invoke("yes", "");
    System.out.println(
        "stdout flood answered after " + (System.nanoTime() - before) / 1_000_000 + " ms");
    JsonNode problem = Activations.problem(reply, 502);
    String detail = problem.get("detail").asText();
    assertTrue(detail.contains("output") && detail.contains("limit"), problem::toString);
    String id = problem.get("activationId").asText();
    Await.until(
        Activations.REMOVAL,
        "removal of the flooding container",
        () -> DockerEngine.containersOf(id),
        List::isEmpty);

    Reply after = api.invoke("echo", "still here");
    assertEquals(200, after.status(), after::toString);
    assertEquals("still here", after.text());
    assertEquals(200, api.get("/readyz").status());
  }

  /**
   * A stderr flood is not paid for until the function's timeout: 16 MiB past the log cap the
   * container is killed as output-too-large and removed (docs/decisions/0017).
   */
  @Test
  void aStderrFloodIsCutOffLongBeforeTheTimeout() throws Exception {
    api.createFunction(
        "{\"name\":\"yes-err\",\"timeoutMs\":60000,\"image\":\""
            + FunctionImages.withCommand("yes-err", "[\"sh\",\"-c\",\"yes flood >&2\"]")
            + "\"}");
    long before = System.nanoTime();
    Reply reply = api.invoke("yes-err", "");
    long millis = (System.nanoTime() - before) / 1_000_000;
    JsonNode problem = Activations.problem(reply, 502);
    assertTrue(problem.get("detail").asText().contains("output"), problem::toString);
    System.out.println("stderr flood answered after " + millis + " ms");
    assertTrue(millis < 30_000, "ended after " + millis + " ms, not at the 60 s timeout");
    String id = problem.get("activationId").asText();
    Await.until(
        Activations.REMOVAL,
        "removal of the flooding container",
        () -> DockerEngine.containersOf(id),
        List::isEmpty);
  }

  @Test
  void memoryExhaustionIs502SayingSo() throws Exception {
    // The string doubles until the 16 MiB cgroup (no swap) has no room for the next copy.
    api.createFunction(
        "{\"name\":\"memory-bomb\",\"memoryMb\":16,\"image\":\""
            + FunctionImages.withCommand(
                "memory-bomb", "[\"sh\",\"-c\",\"x=0123456789; while true; do x=$x$x; done\"]")
            + "\"}");
    Reply reply = api.invoke("memory-bomb", "");
    JsonNode problem = Activations.problem(reply, 502);
    String detail = problem.get("detail").asText();
    assertTrue(detail.contains("killed") && detail.contains("memory"), problem::toString);
    JsonNode record = Activations.record(api, problem.get("activationId").asText());
    assertEquals("failed", record.get("status").asText());
  }
}
