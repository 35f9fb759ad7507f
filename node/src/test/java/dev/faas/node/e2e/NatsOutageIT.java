package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The nats-server stopped and started again (same port, same JetStream store, as run.sh runs it)
 * under an API node and a worker in processes of their own (docs/decisions/0009): a call that ran
 * through the outage gets its outcome, never "retry"; the whole {@code FAAS_MAX_CONCURRENT} is
 * usable again within seconds; calls made while NATS is away fail fast; /readyz says so; and no
 * node is restarted by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatsOutageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 3;
  /** Longer than the 3 s heartbeat timeout: today's watchdog would call the worker lost. */
  private static final Duration SHORT_OUTAGE = Duration.ofSeconds(5);
  /** Longer than the 5 s ack wait: what was pending comes out again after the restart. */
  private static final Duration OUTAGE = Duration.ofSeconds(7);
  private static final Duration LONG_OUTAGE = Duration.ofSeconds(15);
  /** "Within a few seconds" of the server's start. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(10);
  /** Fail fast: an answer in seconds, far from the 30 s accept timeout or a hang. */
  private static final Duration FAST = Duration.ofSeconds(5);

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess apiNode;
  private NodeProcess worker;
  private HttpClient apiHttp;
  private HttpClient workerHttp;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, NatsOutageIT.class);
    Map<String, String> common = new HashMap<>();
    common.put("FAAS_MAX_CONCURRENT", Integer.toString(LIMIT));
    common.put("FAAS_WORKER_SLOTS", Integer.toString(LIMIT + 2));
    Map<String, String> apiEnv = new HashMap<>(common);
    apiEnv.put("FAAS_ROLES", "api");
    Map<String, String> workerEnv = new HashMap<>(common);
    workerEnv.put("FAAS_ROLES", "worker");
    apiNode = cluster.startNode("api", apiEnv);
    worker = cluster.startNode("worker", workerEnv);
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    String slow = FunctionImages.withCommand("sleep-3-cat", "[\"sh\",\"-c\",\"sleep 3; cat\"]");
    apiHttp = TestCluster.awaitReady(apiNode);
    workerHttp = TestCluster.awaitReady(worker);
    api = FaasClient.signUp(apiHttp, apiNode.baseUrl(), "outage");
    api.createFunction("echo", cat);
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
  void nothingIsLeftAndNothingIsHeld() throws Exception {
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
    Await.until(
        Duration.ofSeconds(15),
        "every place in the limit given back",
        cluster.nats()::activationsHeld,
        held -> held == 0);
  }

  @Test
  void aCallRunningThroughAShortOutageGetsItsResultNotRetry() throws Exception {
    CompletableFuture<Reply> call = api.invokeAsync("slow", utf8("through the outage"));
    String container =
        DockerEngine.awaitRunning(cluster.platform(), 1, Duration.ofSeconds(15)).get(0);
    String id = DockerEngine.label(container, DockerEngine.ACTIVATION_LABEL);

    outage(SHORT_OUTAGE);

    Reply reply = call.join();
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("through the outage", reply.text());
    assertEquals(id, reply.header("X-Activation-Id"));
    assertEquals("success", Activations.record(api, id).get("status").asText());
  }

  @Test
  void afterARestartTheWholeLimitIsUsableAgain() throws Exception {
    // Every place taken while the server stops; the calls end while it is away, so their
    // records, acks and answers all wait for it, and their messages outlive the ack wait.
    List<CompletableFuture<Reply>> during = Activations.fire(api, "slow", LIMIT);
    DockerEngine.awaitRunning(cluster.platform(), LIMIT, Duration.ofSeconds(20));

    long upAt = outage(OUTAGE);

    List<Reply> replies = Activations.join(during);
    Activations.assertAllEchoed(replies);
    for (Reply reply : replies) {
      String id = reply.header("X-Activation-Id");
      assertEquals("success", Activations.record(api, id).get("status").asText(), id);
    }
    Activations.awaitWorker(api, "echo");
    Duration servedAfter = Duration.ofNanos(System.nanoTime() - upAt);
    assertTrue(servedAfter.compareTo(BACK_WITHIN) < 0, "served again after " + servedAfter);
    Await.until(
        Duration.ofSeconds(15), "no place held", cluster.nats()::activationsHeld, h -> h == 0);
    Activations.assertAllEchoed(Activations.join(Activations.fire(api, "slow", LIMIT)));
  }

  @Test
  void whileNatsIsAwayCallsFailFastReadyzSaysSoAndAfterwardsEverythingWorks() throws Exception {
    CompletableFuture<Reply> running = api.invokeAsync("slow", utf8("ran"));
    DockerEngine.awaitRunning(cluster.platform(), 1, Duration.ofSeconds(15));
    long downAt = System.nanoTime();
    cluster.nats().stop();

    for (HttpClient node : List.of(apiHttp, workerHttp)) {
      NodeProcess process = node == apiHttp ? apiNode : worker;
      Readiness readiness =
          Await.until(
              Duration.ofSeconds(10),
              process.baseUrl() + " /readyz to say NATS is away",
              () -> readyz(node, process),
              r -> r.status() == 503);
      assertFalse(
          readiness.json().get("checks").get("nats").asBoolean(), readiness.json()::toString);
    }
    List<Reply> refused = new ArrayList<>();
    while (Duration.ofNanos(System.nanoTime() - downAt).compareTo(LONG_OUTAGE) < 0) {
      Reply reply = api.invoke("echo", "while away");
      refused.add(reply);
      Activations.problem(reply, 503);
      assertTrue(reply.took().compareTo(FAST) < 0, () -> "answered after " + reply.took());
      // One call a second samples the whole outage.
      Thread.sleep(1000);
    }
    assertFalse(running.isDone(), "a call that ran is not answered before its outcome is known");

    cluster.nats().start();
    long upAt = System.nanoTime();
    apiNode.awaitReady(apiHttp, BACK_WITHIN);
    worker.awaitReady(workerHttp, BACK_WITHIN);

    Reply ran = running.join();
    assertEquals(200, ran.status(), ran::toString);
    assertEquals("ran", ran.text());
    Activations.awaitWorker(api, "echo");
    Duration servedAfter = Duration.ofNanos(System.nanoTime() - upAt);
    assertTrue(servedAfter.compareTo(BACK_WITHIN) < 0, "served again after " + servedAfter);
    Activations.assertAllEchoed(Activations.join(Activations.fire(api, "slow", LIMIT)));
    assertTrue(refused.size() >= 2, "calls were made during the outage: " + refused.size());
    // The API node's function table is fed by a watch: it resumed too.
    api.createFunction("after-outage", FunctionImages.withCommand("cat", "[\"cat\"]"));
    Activations.awaitWorker(api, "after-outage");
  }

  /** Stops the nats-server for {@code length} and starts it again; returns when it started. */
  private long outage(Duration length) throws Exception {
    cluster.nats().stop();
    // The outage's length is what the test is about, not a stand-in for a condition.
    Thread.sleep(length.toMillis());
    cluster.nats().start();
    return System.nanoTime();
  }

  private record Readiness(int status, JsonNode json) {}

  private static Readiness readyz(HttpClient client, NodeProcess node) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Readiness(response.statusCode(), JSON.readTree(response.body()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
