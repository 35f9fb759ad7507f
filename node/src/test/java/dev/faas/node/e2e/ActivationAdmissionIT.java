package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster-wide maximum of concurrent activations (DESIGN.md, "Admission"), through the HTTPS
 * API: node A runs api and worker, node B only api, both on one nats-server with the same {@code
 * FAAS_MAX_CONCURRENT}. The worker has more slots than the limit plus the extras, so anything
 * admitted over the limit would visibly run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationAdmissionIT {
  private static final int LIMIT = 3;
  private static final int EXTRAS = 4;
  /** An answer "at once": no queueing, no waiting for a worker. */
  private static final Duration AT_ONCE = Duration.ofSeconds(1);
  /** Time for the containers of admitted calls to start (cold start is about 350 ms). */
  private static final Duration STARTED = Duration.ofSeconds(15);

  @TempDir static Path dir;
  private TestCluster cluster;
  private FaasClient viaA;
  private FaasClient viaB;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ActivationAdmissionIT.class);
    Map<String, String> common =
        Map.of("FAAS_MAX_CONCURRENT", Integer.toString(LIMIT), "FAAS_WORKER_SLOTS", "8");
    NodeProcess a = cluster.startNode("a", with(common, "FAAS_ROLES", "api,worker"));
    NodeProcess b = cluster.startNode("b", with(common, "FAAS_ROLES", "api"));
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    // Long enough for the extras to be sent and answered while the admitted calls run.
    String slow = FunctionImages.withCommand("sleep-3-cat", "[\"sh\",\"-c\",\"sleep 3; cat\"]");
    viaA = TestCluster.signUp(a, "admission");
    viaB = viaA.on(TestCluster.awaitReady(b), b.baseUrl());
    viaA.createFunction("echo", cat);
    viaA.createFunction("slow", slow);
    Activations.awaitWorker(viaA, "echo");
    Activations.awaitWorker(viaB, "echo");
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> all = new java.util.HashMap<>(env);
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
  void callsOverTheLimitAre429AtOnceAndRunNothing() throws Exception {
    overTheLimit(viaA, viaA);
  }

  @Test
  void twoApiNodesShareOneLimit() throws Exception {
    overTheLimit(viaA, viaB);
  }

  /**
   * {@link #LIMIT} slow calls through {@code admitted}; once their containers run, {@link #EXTRAS}
   * more through {@code refused} get 429 at once and start no container; then the whole limit is
   * usable again through {@code refused}.
   */
  private void overTheLimit(FaasClient admitted, FaasClient refused) throws Exception {
    Instant before = Instant.now();
    List<CompletableFuture<Reply>> running = Activations.fire(admitted, "slow", LIMIT);
    DockerEngine.awaitRunning(cluster.platform(), LIMIT, STARTED);

    List<Reply> extras = Activations.join(Activations.fire(refused, "slow", EXTRAS));
    for (Reply extra : extras) {
      Activations.problem(extra, 429);
      assertNotNull(extra.header("Retry-After"), extra::toString);
      assertTrue(extra.took().compareTo(AT_ONCE) < 0, () -> "not at once: " + extra);
    }
    assertTrue(
        running.stream().noneMatch(CompletableFuture::isDone),
        "the extras were answered while the admitted calls still ran");

    Activations.assertAllEchoed(Activations.join(running));
    List<String> created =
        DockerEngine.createdBetween(
            before, Instant.now(), DockerEngine.PLATFORM_LABEL + "=" + cluster.platform());
    assertEquals(LIMIT, created.size(), "containers started: " + created);

    // Every place was given back: the whole limit, at once, through the node that refused.
    Activations.assertAllEchoed(Activations.join(Activations.fire(refused, "slow", LIMIT)));
  }
}
