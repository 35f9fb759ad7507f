package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code X-Request-Id} through a real node (API.md, "Requests and traces", issue 15): the caller's
 * id comes back on the response, is kept in the activation record, and is on the worker's log
 * line about the activation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestIdIT {
  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, RequestIdIT.class);
    node = cluster.startAllInOne(Map.of("FAAS_WORKER_SLOTS", "2"));
    api = TestCluster.signUp(node, "requester");
    api.createFunction("echo", FunctionImages.withCommand("cat", "[\"cat\"]"));
    Activations.awaitWorker(api, "echo");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
      cluster.close();
    }
  }

  @Test
  void theCallersIdIsAnsweredRecordedAndLogged() throws Exception {
    Reply reply = api.invoke("echo", "hello", "X-Request-Id", "it-req-1");
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("it-req-1", reply.header("X-Request-Id"));
    String activationId = reply.header("X-Activation-Id");

    Reply record = api.get("/v1/activations/" + activationId);
    assertEquals(200, record.status(), record::toString);
    assertTrue(record.text().contains("\"requestId\":\"it-req-1\""), record::toString);
    String readId = record.header("X-Request-Id");
    assertTrue(readId != null && !readId.equals("it-req-1"), () -> "the read's own id: " + readId);

    // The worker's line about the activation carries the id (the node's log pattern shows it).
    Await.until(
        Duration.ofSeconds(10),
        "the worker's log line with the request id",
        node::log,
        log ->
            Arrays.stream(log.split("\n"))
                .anyMatch(
                    line ->
                        line.contains("[it-req-1]")
                            && line.contains(activationId)
                            && line.contains("finished")));
  }

  @Test
  void aCallWithoutAnIdIsGivenOneAndItsRecordKeepsIt() throws Exception {
    Reply reply = api.invoke("echo", "no id");
    assertEquals(200, reply.status(), reply::toString);
    String given = reply.header("X-Request-Id");
    assertTrue(given != null && given.matches("[a-z0-9]{24}"), () -> "given " + given);
    String record = Activations.record(api, reply.header("X-Activation-Id")).toString();
    assertTrue(record.contains("\"requestId\":\"" + given + "\""), record);
  }
}
