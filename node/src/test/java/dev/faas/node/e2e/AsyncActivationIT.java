package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Asynchronous activations (docs/decisions/0020) on the real stack: two API nodes and a worker on
 * one nats-server. The backlog bounds are small so that a 429 is cheap to reach; the node killed
 * last is whichever holds the dispatcher's lease.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AsyncActivationIT {
  private static final int MAX_CONCURRENT = 8;
  private static final int ASYNC_CONCURRENCY = 6;
  private static final int PER_USER_BACKLOG = 20;
  private static final int BODY_LIMIT = 65_536;
  private static final String[] ASYNC = {"Prefer", "respond-async"};

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess a;
  private NodeProcess b;
  private FaasClient aliceA;
  private FaasClient aliceB;
  private FaasClient bobA;
  private FaasClient bobB;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, AsyncActivationIT.class);
    Map<String, String> common = new HashMap<>();
    common.put("FAAS_MAX_CONCURRENT", Integer.toString(MAX_CONCURRENT));
    common.put("FAAS_ASYNC_CONCURRENCY", Integer.toString(ASYNC_CONCURRENCY));
    common.put("FAAS_ASYNC_BACKLOG_PER_USER", Integer.toString(PER_USER_BACKLOG));
    common.put("FAAS_ASYNC_BACKLOG", "200");
    common.put("FAAS_MAX_BODY_BYTES", Integer.toString(BODY_LIMIT));
    common.put("FAAS_ACCEPT_TIMEOUT", "5s");
    common.put("FAAS_WORKER_SLOTS", "8");
    Map<String, String> api = new HashMap<>(common);
    api.put("FAAS_ROLES", "api");
    Map<String, String> both = new HashMap<>(common);
    both.put("FAAS_ROLES", "api,worker");
    // b (API only) first, so that it takes the dispatcher's lease: the node killed last.
    b = cluster.startNode("b", api);
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    String slow = FunctionImages.withCommand("sleep-1-cat", "[\"sh\",\"-c\",\"sleep 1; cat\"]");
    aliceB = TestCluster.signUp(b, "alice");
    bobB = TestCluster.signUp(b, "bob");
    a = cluster.startNode("a", both);
    aliceA = aliceB.on(TestCluster.awaitReady(a), a.baseUrl());
    bobA = bobB.on(TestCluster.awaitReady(a), a.baseUrl());
    Await.until(
        Duration.ofSeconds(30), "node a knowing alice",
        () -> aliceA.get("/v1/functions").status(), st -> st == 200);
    Await.until(
        Duration.ofSeconds(30), "node a knowing bob",
        () -> bobA.get("/v1/functions").status(), st -> st == 200);
    for (FaasClient c : List.of(aliceA, bobA)) {
      c.createFunction("echo", cat);
      c.createFunction("drain", cat);
      c.createFunction("slow", slow);
    }
    Activations.awaitWorker(aliceA, "echo");
    Await.until(
        Duration.ofSeconds(30), "node b serving bob's function",
        () -> bobB.invoke("echo", "ping"), r -> r.status() == 200);
  }

  @AfterAll
  void stop() throws Exception {
    // The nodes' logs outlive the temporary directory, for a failure's post-mortem.
    for (String node : List.of("a", "b")) {
      Path log = dir.resolve(node).resolve("node.log");
      if (java.nio.file.Files.exists(log)) {
        java.nio.file.Files.copy(log, Path.of("target", "AsyncActivationIT-" + node + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void a202WithLocationThenTheRecordGoesFromQueuedToSuccessAndTheWaitEndsAtCompletion()
      throws Exception {
    Reply accepted = aliceA.invoke("slow", "hello", ASYNC);
    assertEquals(202, accepted.status(), accepted::toString);
    String id = accepted.header("X-Activation-Id");
    assertNotNull(id, accepted::toString);
    assertEquals("/v1/activations/" + id, accepted.header("Location"));

    // The record exists from the 202 on, on either node.
    JsonNode first = Activations.record(aliceB, id);
    assertTrue(Set.of("queued", "running").contains(first.path("status").asText()),
        first::toString);
    assertFalse(first.path("async").path("queuedAt").isNull(), first::toString);

    // The long-poll answers when the activation is final, not at the end of its wait.
    Reply waited = aliceB.get("/v1/activations/" + id + "?wait=50");
    assertEquals(200, waited.status(), waited::toString);
    assertTrue(waited.took().compareTo(Duration.ofSeconds(30)) < 0, waited::toString);
    JsonNode done = waited.json();
    assertEquals("success", done.path("status").asText(), done::toString);
    assertEquals("hello", done.path("result").asText(), done::toString);
    JsonNode async = done.path("async");
    assertEquals(1, successes(done), done::toString);
    JsonNode attempts = async.path("attempts");
    assertEquals("success", attempts.get(attempts.size() - 1).path("status").asText());
    Instant queued = Instant.parse(async.path("queuedAt").asText());
    Instant running = Instant.parse(async.path("runningAt").asText());
    Instant finished = Instant.parse(async.path("finishedAt").asText());
    assertFalse(running.isBefore(queued) || finished.isBefore(running), done::toString);

    // A wait on a final record answers at once; a wait over 60 is refused.
    Reply again = aliceA.get("/v1/activations/" + id + "?wait=30");
    assertTrue(again.took().compareTo(Duration.ofSeconds(5)) < 0, again::toString);
    assertEquals(400, aliceA.get("/v1/activations/" + id + "?wait=61").status());

    // Without the preference, a call stays synchronous.
    Reply sync = aliceA.invoke("echo", "sync");
    assertEquals(200, sync.status(), sync::toString);
    assertEquals("sync", sync.text());
  }

  @Test
  @Order(2)
  void aMissingFunctionAndAFullBacklogAreRefusedBeforeAny202() throws Exception {
    Reply missing = aliceA.invoke("nope", "x", ASYNC);
    Activations.problem(missing, 404);
    assertNull(missing.header("X-Activation-Id"));
    // 413 before the backlog is asked: AsyncInvocationApiTest (the server answers before the
    // client has sent the whole body, and resets the connection under it).

    // Twice the user's backlog, faster than it drains: what does not fit is 429 limit-user,
    // nothing queued.
    List<String> ids = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 2 * PER_USER_BACKLOG + 10; i++) {
      Reply r =
          (i % 2 == 0 ? aliceA : aliceB)
              .invoke("slow", ("b-" + i).getBytes(StandardCharsets.UTF_8), ASYNC);
      if (r.status() == 202) {
        ids.add(r.header("X-Activation-Id"));
      } else {
        JsonNode problem = Activations.problem(r, 429);
        assertEquals("https://faas.dev/problems/limit-user", problem.path("type").asText());
        assertNotNull(r.header("Retry-After"), r::toString);
        assertNull(r.header("X-Activation-Id"), r::toString);
        refused++;
      }
    }
    assertTrue(refused > 0, "no submission was refused: " + ids.size() + " accepted");
    assertTrue(ids.size() >= PER_USER_BACKLOG, "accepted " + ids.size());
    // Another user's backlog is their own.
    Reply bobs = bobA.invoke("echo", "mine", ASYNC);
    assertEquals(202, bobs.status(), bobs::toString);
    awaitFinal(aliceA, ids);
  }

  @Test
  @Order(3)
  void theSameIdempotencyKeyGivesTheFirstActivation() throws Exception {
    Reply first = aliceA.invoke("echo", "once", "Prefer", "respond-async", "Idempotency-Key", "k-1");
    Reply second = aliceB.invoke("echo", "twice", "Prefer", "respond-async", "Idempotency-Key",
        "k-1");
    Reply other = aliceA.invoke("echo", "other", "Prefer", "respond-async", "Idempotency-Key",
        "k-2");
    Reply bobs = bobA.invoke("echo", "bob", "Prefer", "respond-async", "Idempotency-Key", "k-1");
    for (Reply r : List.of(first, second, other, bobs)) {
      assertEquals(202, r.status(), r::toString);
    }
    String id = first.header("X-Activation-Id");
    assertEquals(id, second.header("X-Activation-Id"));
    assertNotEquals(id, other.header("X-Activation-Id"));
    assertNotEquals(id, bobs.header("X-Activation-Id"));
    JsonNode done = aliceA.get("/v1/activations/" + id + "?wait=50").json();
    assertEquals("once", done.path("result").asText(), done::toString);
  }

  @Test
  @Order(4)
  void submissionsOfTwoUsersThroughTwoNodesDrainOnceEachWithinTheLimit()
      throws Exception {
    // 2 x 40 here (CI time); thousands in bench/async.sh.
    int perUser = 40;
    Map<String, String> inputs = new HashMap<>();
    Map<String, FaasClient> owners = new HashMap<>();
    List<FaasClient> clients = List.of(aliceA, bobB, aliceB, bobA);
    for (int i = 0; i < 2 * perUser; i++) {
      FaasClient via = clients.get(i % clients.size());
      String input = "d-" + i;
      Reply r;
      // A user's backlog is PER_USER_BACKLOG: a client submits again after a 429, as it should.
      while ((r = via.invoke("drain", input, ASYNC)).status() == 429) {
        Thread.sleep(100);
      }
      assertEquals(202, r.status(), r::toString);
      inputs.put(r.header("X-Activation-Id"), input);
      owners.put(r.header("X-Activation-Id"), via);
    }
    assertEquals(2 * perUser, inputs.size(), "distinct ids");
    for (Map.Entry<String, String> e : inputs.entrySet()) {
      JsonNode done = awaitFinal(owners.get(e.getKey()), e.getKey());
      assertEquals("success", done.path("status").asText(), done::toString);
      assertEquals(e.getValue(), done.path("result").asText(), done::toString);
      // One run; an attempt the platform could not start (an overloaded engine) may precede it.
      assertEquals(1, successes(done), done::toString);
    }
    // Every run left its own record (its attempt): exactly one per submission, and never more
    // running at once than the asynchronous share of the limit.
    for (FaasClient owner : List.of(aliceA, bobA)) {
      List<JsonNode> runs = new ArrayList<>();
      for (JsonNode s : listing(owner, "drain")) {
        if (!inputs.containsKey(s.path("activationId").asText())
            && s.path("status").asText().equals("success")) {
          runs.add(s);
        }
      }
      assertEquals(perUser, runs.size(), "runs of drain");
      assertTrue(maxOverlap(runs) <= ASYNC_CONCURRENCY, "overlap " + maxOverlap(runs));
    }
    String metrics = metricsOfLeader();
    assertTrue(
        java.util.regex.Pattern.compile("faas_async_backlog\\{[^}]*state=\"queued\"")
            .matcher(metrics).find(),
        metrics);
    assertTrue(metrics.contains("faas_async_oldest_age_seconds"), metrics);
    assertTrue(metrics.contains("faas_async_retries_total"), metrics);
  }

  @Test
  @Order(5)
  void aLargeBacklogOfOneUserDelaysAnotherUsersCallByAFewActivationsAtMost() throws Exception {
    List<String> hog = new ArrayList<>();
    for (int i = 0; i < PER_USER_BACKLOG; i++) {
      Reply r = aliceA.invoke("slow", "h-" + i, ASYNC);
      assertEquals(202, r.status(), r::toString);
      hog.add(r.header("X-Activation-Id"));
    }
    Await.until(
        Duration.ofSeconds(30), "the hog's first activation running",
        () -> Activations.record(aliceA, hog.get(0)).path("status").asText(),
        s -> !s.equals("queued"));
    Reply single = bobB.invoke("echo", "me-first", ASYNC);
    assertEquals(202, single.status(), single::toString);
    JsonNode mine = awaitFinal(bobB, single.header("X-Activation-Id"));
    assertEquals("success", mine.path("status").asText(), mine::toString);
    Instant submitted = Instant.parse(mine.path("async").path("queuedAt").asText());
    Instant dispatched = Instant.parse(mine.path("async").path("runningAt").asText());
    List<JsonNode> hogs = awaitFinal(aliceA, hog);
    int overtaken = 0;
    for (JsonNode h : hogs) {
      Instant started = Instant.parse(h.path("async").path("runningAt").asText());
      if (started.isAfter(submitted) && started.isBefore(dispatched)) {
        overtaken++;
      }
    }
    System.out.printf("fairness: %d of the hog's activations dispatched while bob's waited"
        + " (%d ms)%n", overtaken, Duration.between(submitted, dispatched).toMillis());
    assertTrue(overtaken <= 3, "bob's call waited behind " + overtaken + " of alice's");
  }

  @Test
  @Order(6)
  void killingTheDispatchingApiNodeRightAfterIts202sLosesNothing() throws Exception {
    // b, API only, took the lease first (a also runs the worker, which must survive).
    boolean bLeads = leads(metrics(aliceB));
    System.out.println("async kill: node b " + (bLeads ? "holds" : "does not hold") + " the lease");
    FaasClient via = aliceB;
    FaasClient survivor = aliceA;
    NodeProcess victim = b;
    Map<String, String> inputs = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      Reply r = via.invoke("echo", "k-" + i, ASYNC);
      assertEquals(202, r.status(), r::toString);
      inputs.put(r.header("X-Activation-Id"), "k-" + i);
    }
    victim.kill();
    List<JsonNode> done = awaitFinal(survivor, new ArrayList<>(inputs.keySet()));
    for (JsonNode d : done) {
      assertEquals("success", d.path("status").asText(), d::toString);
      assertEquals(inputs.get(d.path("activationId").asText()), d.path("result").asText());
      assertEquals(1, successes(d), d::toString);
    }
  }

  private static int successes(JsonNode record) {
    int successes = 0;
    for (JsonNode attempt : record.path("async").path("attempts")) {
      successes += attempt.path("status").asText().equals("success") ? 1 : 0;
    }
    return successes;
  }

  /** Long-polls each until final; the records in order. */
  private static List<JsonNode> awaitFinal(FaasClient api, List<String> ids) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (String id : ids) {
      records.add(awaitFinal(api, id));
    }
    return records;
  }

  private static JsonNode awaitFinal(FaasClient api, String id) throws Exception {
    return Await.until(
        Duration.ofSeconds(150), "activation " + id + " final",
        () -> {
          Reply r = api.get("/v1/activations/" + id + "?wait=60");
          return r.status() == 200 ? r.json() : null;
        },
        j -> j != null && Set.of("success", "failed", "timeout").contains(
            j.path("status").asText()));
  }

  private static List<JsonNode> listing(FaasClient api, String function) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    Set<String> seen = new HashSet<>();
    do {
      Reply r = api.get("/v1/activations?function=" + function + "&limit=200"
          + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, r.status(), r::toString);
      for (JsonNode s : r.json().path("activations")) {
        if (seen.add(s.path("activationId").asText())) {
          all.add(s);
        }
      }
      cursor = r.json().hasNonNull("nextCursor") ? r.json().path("nextCursor").asText() : null;
    } while (cursor != null);
    return all;
  }

  /** The most intervals [startedAt, startedAt + durationMs) that hold one instant. */
  private static int maxOverlap(List<JsonNode> runs) {
    List<long[]> edges = new ArrayList<>();
    for (JsonNode r : runs) {
      long start = Instant.parse(r.path("startedAt").asText()).toEpochMilli();
      edges.add(new long[] {start, 1});
      edges.add(new long[] {start + r.path("durationMs").asLong(), -1});
    }
    edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    int now = 0;
    int max = 0;
    for (long[] e : edges) {
      now += (int) e[1];
      max = Math.max(max, now);
    }
    return max;
  }

  private String metricsOfLeader() throws Exception {
    String ma = metrics(aliceA);
    return leads(ma) ? ma : metrics(aliceB);
  }

  private static boolean leads(String metrics) {
    return java.util.regex.Pattern.compile("faas_async_dispatching\\{[^}]*} 1\\.0")
        .matcher(metrics).find();
  }

  private static String metrics(FaasClient api) throws Exception {
    Reply r = api.get("/metrics");
    assertEquals(200, r.status());
    return r.text();
  }
}
