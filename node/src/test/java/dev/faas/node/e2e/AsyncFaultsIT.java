package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.activation.AsyncIds;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asynchronous activations (docs/decisions/0020) through the faults the decision names, on the
 * real stack: an API-only node (the dispatcher) and two worker-only nodes on one nats-server. A
 * worker killed with SIGKILL while it runs attempts, and the nats-server restarted under a
 * backlog: every activation still ends in {@code success}, and runs to success exactly once
 * (counted in its record's {@code async.attempts}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AsyncFaultsIT {
  private static final int MAX_CONCURRENT = 8;
  private static final int ASYNC_CONCURRENCY = 6;
  private static final String[] ASYNC = {"Prefer", "respond-async"};
  /** Bounds every wait for a batch of activations to be final. */
  private static final Duration ALL_FINAL = Duration.ofSeconds(90);
  private static final Set<String> FINAL = Set.of("success", "failed", "timeout");

  @TempDir static Path dir;
  private TestCluster cluster;
  private final Map<String, NodeProcess> workers = new LinkedHashMap<>();
  private FaasClient alice;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, AsyncFaultsIT.class);
    Map<String, String> common = new HashMap<>();
    common.put("FAAS_MAX_CONCURRENT", Integer.toString(MAX_CONCURRENT));
    common.put("FAAS_ASYNC_CONCURRENCY", Integer.toString(ASYNC_CONCURRENCY));
    common.put("FAAS_WORKER_SLOTS", "4");
    // Alike on every node (each sets the work queue's consumer to its own when it connects):
    // short, so that the lost attempt's request is handed out again, and dropped, within the test.
    common.put("FAAS_ACK_WAIT", "3s");
    Map<String, String> api = new HashMap<>(common);
    api.put("FAAS_ROLES", "api");
    Map<String, String> worker = new HashMap<>(common);
    worker.put("FAAS_ROLES", "worker");
    NodeProcess apiNode = cluster.startNode("api", api);
    workers.put(cluster.nodeName("w1"), cluster.startNode("w1", worker));
    workers.put(cluster.nodeName("w2"), cluster.startNode("w2", worker));
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    String sleeper =
        FunctionImages.withCommand("sleep-10-cat", "[\"sh\",\"-c\",\"sleep 10; cat\"]");
    String slow = FunctionImages.withCommand("sleep-2-cat", "[\"sh\",\"-c\",\"sleep 2; cat\"]");
    alice = TestCluster.signUp(apiNode, "faults");
    for (NodeProcess w : workers.values()) {
      TestCluster.awaitReady(w);
    }
    alice.createFunction("echo", cat);
    alice.createFunction("sleeps", sleeper);
    alice.createFunction("slow", slow);
    Activations.awaitWorker(alice, "echo");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aWorkerKilledMidRunLosesNoActivationRunsNoneTwiceAndLeavesNoContainer()
      throws Exception {
    Map<String, String> inputs = submit("sleeps", "w", ASYNC_CONCURRENCY);
    // Every first attempt in a container (each sleeps 10 s, far longer than they take to start),
    // and which worker runs it, from the containers' labels.
    Set<String> firstAttempts = new java.util.HashSet<>();
    for (String id : inputs.keySet()) {
      firstAttempts.add(AsyncIds.attempt(id, 1));
    }
    Map<String, String> workerOf = new HashMap<>();
    Await.until(
        Duration.ofSeconds(30), "every first attempt in a running container",
        () -> {
          workerOf.putAll(runningAttempts());
          return workerOf.keySet();
        },
        seen -> seen.containsAll(firstAttempts));
    Map<String, List<String>> attemptsByWorker = new HashMap<>();
    for (String attempt : firstAttempts) {
      attemptsByWorker.computeIfAbsent(workerOf.get(attempt), w -> new ArrayList<>()).add(attempt);
    }
    String victimId =
        attemptsByWorker.entrySet().stream()
            .max(Map.Entry.comparingByValue((x, y) -> Integer.compare(x.size(), y.size())))
            .orElseThrow()
            .getKey();
    NodeProcess victim = workers.get(victimId);
    assertNotNull(victim, "the containers name a worker of this test: " + attemptsByWorker);
    List<String> victims = attemptsByWorker.get(victimId);
    System.out.printf("async worker kill: %s runs %d of %d attempts: %s%n",
        victimId, victims.size(), ASYNC_CONCURRENCY, attemptsByWorker);

    Instant killedAt = Instant.now();
    victim.kill();

    List<JsonNode> done = awaitFinal(new ArrayList<>(inputs.keySet()));
    Instant finishedAt = Instant.now();
    List<String> lostAttempts = new ArrayList<>();
    for (JsonNode d : done) {
      String id = d.path("activationId").asText();
      assertEquals("success", d.path("status").asText(), d::toString);
      assertEquals(inputs.get(id), d.path("result").asText(), d::toString);
      assertEquals(1, successes(d), d::toString);
      JsonNode attempts = d.path("async").path("attempts");
      JsonNode first = attempts.get(0);
      String firstId = first.path("activationId").asText();
      assertEquals(AsyncIds.attempt(id, 1), firstId, d::toString);
      if (victims.contains(firstId) && !first.path("status").asText().equals("success")) {
        // The attempt the dead worker ran: lost, a platform fault, then a later one succeeded.
        assertTrue(attempts.size() >= 2, d::toString);
        assertEquals("lost", first.path("status").asText(), d::toString);
        assertEquals("platform", first.path("fault").asText(), d::toString);
        assertTrue(first.path("error").asText().contains("worker"), d::toString);
        lostAttempts.add(firstId);
      } else if (!first.path("status").asText().equals("success")) {
        // The survivor's, or one the victim finished before it died, needs no retry; on a
        // loaded machine a platform fault (the engine too slow, say) may still have cost one.
        assertEquals("platform", first.path("fault").asText(), d::toString);
      }
    }
    assertFalse(lostAttempts.isEmpty(), "no activation was lost with the worker: " + done);
    System.out.printf("async worker kill: %d attempts lost and retried%n", lostAttempts.size());
    // The lost attempts never ran again under their own ids (their requests, handed out again
    // after the ack wait, were dropped): each ran once, in the container the kill orphaned.
    for (String attempt : lostAttempts) {
      assertEquals(
          List.of(),
          DockerEngine.createdBetween(
              killedAt, finishedAt, DockerEngine.ACTIVATION_LABEL + "=" + attempt),
          "attempt " + attempt + " ran again");
    }

    // Nobody removes the dead worker's containers but a worker that sees its lease ended: the
    // killed worker itself at its restart (the survivor's sweep is a minute apart).
    int orphaned = 0;
    for (String attempt : lostAttempts) {
      orphaned += DockerEngine.containersOf(attempt).size();
    }
    System.out.printf("async worker kill: all final %d ms after the kill; %d containers of the"
        + " lost attempts left before the restart%n",
        Duration.between(killedAt, finishedAt).toMillis(), orphaned);
    victim.start();
    TestCluster.awaitReady(victim);
    Await.until(
        Duration.ofSeconds(30),
        "the restarted worker's removal of the containers its dead run left",
        () -> {
          List<String> left = new ArrayList<>();
          for (String attempt : lostAttempts) {
            left.addAll(DockerEngine.containersOf(attempt));
          }
          return left;
        },
        List::isEmpty);
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
  }

  @Test
  @Order(2)
  void aNatsRestartUnderABacklogLosesNothingAndRunsEachOnce() throws Exception {
    // More than the asynchronous share of the limit: most of them wait in the stream.
    int count = 20;
    Map<String, String> inputs = submit("slow", "n", count);
    List<String> ids = new ArrayList<>(inputs.keySet());
    Await.until(
        Duration.ofSeconds(30), "an attempt running while others wait",
        () -> statuses(ids),
        s -> s.contains("running") && s.contains("queued"));

    Instant stoppedAt = Instant.now();
    cluster.nats().stop();
    cluster.nats().start();

    List<JsonNode> done = awaitFinal(ids);
    Duration drained = Duration.between(stoppedAt, Instant.now());
    Map<String, Integer> attemptStatuses = new java.util.TreeMap<>();
    for (JsonNode d : done) {
      for (JsonNode attempt : d.path("async").path("attempts")) {
        attemptStatuses.merge(attempt.path("status").asText(), 1, Integer::sum);
      }
    }
    System.out.printf("async NATS restart: %d activations final %d ms after the stop;"
        + " attempts by status %s%n", done.size(), drained.toMillis(), attemptStatuses);
    for (JsonNode d : done) {
      String id = d.path("activationId").asText();
      assertEquals("success", d.path("status").asText(), d::toString);
      assertEquals(inputs.get(id), d.path("result").asText(), d::toString);
      assertEquals(1, successes(d), d::toString);
    }
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
  }

  /**
   * The attempts running in a container now (by the container's activation label) and the
   * worker running each; a container that goes meanwhile is left out.
   */
  private Map<String, String> runningAttempts() throws Exception {
    Map<String, String> workerOf = new HashMap<>();
    for (String container : DockerEngine.running(cluster.platform())) {
      try {
        String attempt = DockerEngine.label(container, DockerEngine.ACTIVATION_LABEL);
        String worker = DockerEngine.label(container, "dev.faas.worker");
        if (!attempt.isEmpty() && !worker.isEmpty()) {
          workerOf.put(attempt, worker);
        }
      } catch (java.io.IOException gone) {
        // removed between the listing and the inspect: not running any more
      }
    }
    return workerOf;
  }

  /** Submits {@code count} asynchronous calls; activation id → its input. */
  private Map<String, String> submit(String function, String prefix, int count) throws Exception {
    Map<String, String> inputs = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String input = prefix + "-" + i;
      Reply r = alice.invoke(function, input, ASYNC);
      assertEquals(202, r.status(), r::toString);
      inputs.put(r.header("X-Activation-Id"), input);
    }
    assertEquals(count, inputs.size(), "distinct ids");
    return inputs;
  }

  private Set<String> statuses(List<String> ids) throws Exception {
    Set<String> statuses = new java.util.HashSet<>();
    for (String id : ids) {
      statuses.add(Activations.record(alice, id).path("status").asText());
    }
    return statuses;
  }

  private static int successes(JsonNode record) {
    int successes = 0;
    for (JsonNode attempt : record.path("async").path("attempts")) {
      successes += attempt.path("status").asText().equals("success") ? 1 : 0;
    }
    return successes;
  }

  /**
   * Long-polls each until final (a 503 while NATS is away is asked again), all within {@link
   * #ALL_FINAL}; the records in order.
   */
  private List<JsonNode> awaitFinal(List<String> ids) throws Exception {
    long deadline = System.nanoTime() + ALL_FINAL.toNanos();
    List<JsonNode> records = new ArrayList<>();
    for (String id : ids) {
      records.add(
          Await.until(
              Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
              "activation " + id + " final",
              () -> {
                Reply r = alice.get("/v1/activations/" + id + "?wait=30");
                return r.status() == 200 ? r.json() : null;
              },
              j -> j != null && FINAL.contains(j.path("status").asText())));
    }
    return records;
  }
}
