package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression of the worker-killing bug (issue 10): a pre-started container whose process
 * writes without reading its input floods an output nobody reads while it waits; when the pool gave
 * it up (function deleted, updated, idle too long, worker stopped), the engine hung on it for good.
 * Here every way a pool gives containers up is taken with such containers, and afterwards the
 * engine answers for every container the platform ever had, and none is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolDiscardIT {
  private static final String POOL_LABEL = "dev.faas.pool";
  private static final Duration IDLE_TTL = Duration.ofSeconds(25);
  private static final Duration PROMPTLY = Duration.ofSeconds(15);
  private static final Duration ANSWER = Duration.ofSeconds(1);

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient api;
  private String flood;
  private final Set<String> seen = new TreeSet<>();

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, PoolDiscardIT.class);
    node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_WARM_POOL", "true",
                "FAAS_POOL_IDLE_TTL", IDLE_TTL.toSeconds() + "s"));
    api = TestCluster.signUp(node, "discard");
    // Never reads its input: what it writes before its call waits in the engine for a reader.
    flood = FunctionImages.withCommand("yes-flood", "[\"yes\",\"flood\"]");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyWayThePoolGivesUpAFloodingContainerLeavesTheEngineAnswering() throws Exception {
    // Three functions of the same image, each its own pool key (the env differs), each with a
    // container pre-started after its first call.
    List<String> names = List.of("deleted", "updated", "idle");
    List<String> pooling = List.of();
    for (String name : names) {
      api.createFunction(
          "{\"name\":\"" + name + "\",\"image\":\"" + flood + "\",\"env\":{\"K\":\"" + name
              + "\"}}");
      Reply reply = api.invoke(name, "x");
      assertEquals(502, reply.status(), reply::toString);
      assertTrue(reply.text().contains("output"), reply::toString);
      pooling = awaitPooled(pooling.size() + 1);
    }
    List<String> pooled = pooling;

    assertEquals(204, api.call("DELETE", "/v1/functions/deleted", null).status());
    Reply updated =
        api.call("PUT", "/v1/functions/updated",
            "{\"image\":\"" + flood + "\",\"env\":{\"K\":\"updated-2\"}}");
    assertEquals(200, updated.status(), updated::toString);
    // The third key has no call for longer than its idle TTL: it gives its container back.
    Await.until(
        IDLE_TTL.plus(PROMPTLY),
        "removal of every container pre-started before the delete, the update and the idle TTL",
        this::platformContainers,
        now -> pooled.stream().noneMatch(now::contains));
    assertEquals(List.of(), DockerEngine.hungOn(seen, ANSWER), "containers the engine hangs on");

    // One more pre-started flood, then the worker stops with it in its pool.
    assertEquals(502, api.invoke("updated", "x").status());
    awaitPooled(1);
    node.stop();
    assertEquals(List.of(), platformContainers(), "containers left after the worker stopped");
    assertEquals(List.of(), DockerEngine.hungOn(seen, ANSWER), "containers the engine hangs on");
  }

  /** Waits until the pool holds {@code count} pre-started containers, and returns them. */
  private List<String> awaitPooled(int count) throws Exception {
    return Await.until(
        PROMPTLY,
        count + " pre-started containers",
        () -> {
          List<String> ids = DockerEngine.containers(platformLabel(), POOL_LABEL);
          seen.addAll(ids);
          return ids;
        },
        ids -> ids.size() >= count);
  }

  private List<String> platformContainers() throws Exception {
    List<String> ids = DockerEngine.containers(platformLabel());
    seen.addAll(ids);
    return ids;
  }

  private String platformLabel() {
    return DockerEngine.PLATFORM_LABEL + "=" + cluster.platform();
  }
}
