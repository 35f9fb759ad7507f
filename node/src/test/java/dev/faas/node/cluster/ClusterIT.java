package dev.faas.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.node.it.Await;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestNats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local cluster of scripts/cluster.sh, brought up from Java: three nats-server processes in
 * one JetStream cluster (key-value replicas 3), two API nodes and two workers, each the real
 * node jar in its own process, with a real Docker engine running the functions.
 *
 * <p>It shows, in order: that the concurrency limit is exact across API nodes; that killing a
 * worker under load answers every caller (a result or a clear problem, never a hang) and that the
 * remaining worker carries on; that killing the JetStream meta leader under the same load does the
 * same and loses no stored user or function; and that no container of this platform is left.
 *
 * <p>Failures of the nats-server 2.9.10 underneath rather than of the platform are printed as
 * {@code KNOWN ISSUE} lines, and fail the test only with {@code -Dfaas.cluster.it.strict=true}
 * (docs/local-cluster.md, "Known issues").
 *
 * <p>Every process is stopped in {@link #stopEverything()}, whatever happened; the logs of a run
 * stay under {@code target/cluster-it} for a post-mortem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCKER = "/usr/bin/docker";
  private static final String IMAGE = "faas-cluster-it/sleep:1";
  /** The test image's other names, removed at the end. */
  private final List<String> extraTags = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final String PLATFORM_LABEL = "dev.faas.platform";
  /** FAAS_MAX_CONCURRENT, the same on every node. */
  private static final int LIMIT = 4;
  /** FAAS_WORKER_SLOTS: either worker alone has room for the whole limit. */
  private static final int SLOTS = 4;
  private static final Duration READY = Duration.ofSeconds(120);
  /**
   * A call's longest legitimate answer here is about 30 s (a 10 s function timeout plus the 20 s
   * result grace; FAAS_ACCEPT_TIMEOUT is 10 s). A client waiting longer than this saw a hang.
   */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(40);
  private static final Set<Integer> CLEAR_ANSWERS = Set.of(200, 429, 502, 503);
  private static final List<String> USERS = List.of("alice", "bob", "carol");
  private static final String PASSWORD = "correct-horse";

  private final String platform =
      "faas-cluster-it-" + Long.toString(System.currentTimeMillis() % 46_656L, 36);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Map<String, String> tokens = new HashMap<>();
  /** Every activation id a caller was told, in X-Activation-Id or a problem's activationId. */
  private final Set<String> answeredIds = ConcurrentHashMap.newKeySet();
  /** What each user stored: function name to its image. */
  private final Map<String, Map<String, String>> stored = new LinkedHashMap<>();

  private Path dir;
  private String originalJar;
  private NatsCluster nats;
  private Node api1;
  private Node api2;
  private Node worker1;
  private Node worker2;

  /** One node process and a client that trusts its own certificate. */
  private static final class Node {
    final String name;
    final NodeProcess process;
    HttpClient client;

    Node(String name, NodeProcess process) {
      this.name = name;
      this.process = process;
    }

    void awaitReady() throws Exception {
      client = process.awaitHttpsReady(READY);
    }

    String url(String path) {
      return process.baseUrl() + path;
    }
  }

  /** One caller's answer, or the exception in its place. */
  private record Answer(
      String node, int status, String body, String contentType, String retryAfter, long startNanos,
      long millis, Exception error) {

    boolean isClear() {
      return error == null
          && CLEAR_ANSWERS.contains(status)
          && (status == 200 || contentType.startsWith("application/problem+json"));
    }

    @Override
    public String toString() {
      return error != null
          ? node + " " + error + " after " + millis + " ms"
          : node + " " + status + " in " + millis + " ms: " + body.strip();
    }
  }

  @BeforeAll
  void startTheCluster() throws Exception {
    dir = Path.of(System.getProperty("faas.cluster.it.dir", "target/cluster-it")).toAbsolutePath();
    deleteRecursively(dir);
    Files.createDirectories(dir);
    useAPrivateCopyOfTheJar();
    buildTestImage();

    nats = new NatsCluster(dir).start();
    String leader = nats.awaitMetaLeader(Duration.ofSeconds(60));
    System.out.println("[cluster] JetStream meta leader: " + leader + "; servers " + nats.urls());

    api1 = node("api-1", "api");
    api2 = node("api-2", "api");
    worker1 = node("worker-1", "worker");
    worker2 = node("worker-2", "worker");
    for (Node node : nodes()) {
      node.process.start();
    }
    for (Node node : nodes()) {
      node.awaitReady();
    }

    for (int i = 0; i < USERS.size(); i++) {
      createUserWithFunctions(USERS.get(i), apis().get(i % 2));
    }
    // Both API nodes have heard of both workers and of every function: calls through either work.
    for (Node api : apis()) {
      for (String user : USERS) {
        Await.until(Duration.ofSeconds(30), "a first call of " + user + " through " + api.name,
            () -> invoke(api, user, "slow", "0"), a -> a.status() == 200);
      }
    }
  }

  /**
   * The nodes run a copy of the jar: a build rewriting target/faas-node.jar while they run (in a
   * shared working tree) would otherwise make their class loading fail half-way.
   */
  private void useAPrivateCopyOfTheJar() throws IOException {
    originalJar = System.getProperty("faas.node.jar");
    Path jar = Path.of(originalJar == null ? "target/faas-node.jar" : originalJar);
    Path copy = dir.resolve("faas-node.jar");
    Files.copy(jar, copy);
    System.setProperty("faas.node.jar", copy.toString());
  }

  private Node node(String name, String roles) {
    Map<String, String> env = new HashMap<>();
    env.put("FAAS_ROLES", roles);
    // Unique and stable: API nodes get their replies on it, a restarted worker finds its
    // leftover containers by it.
    env.put("FAAS_NODE_NAME", platform + "-" + name);
    env.put("FAAS_PLATFORM", platform);
    env.put("FAAS_BIND", "127.0.0.1");
    env.put("FAAS_NATS_URL", nats.urls());
    env.put("FAAS_KV_REPLICAS", "3");
    env.put("FAAS_MAX_CONCURRENT", Integer.toString(LIMIT));
    env.put("FAAS_WORKER_SLOTS", Integer.toString(SLOTS));
    env.put("FAAS_ACCEPT_TIMEOUT", "10s");
    try {
      return new Node(name, new NodeProcess(dir.resolve(name), TestNats.freePort(), env));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Node> apis() {
    return List.of(api1, api2);
  }

  private List<Node> nodes() {
    return Stream.of(api1, api2, worker1, worker2).filter(n -> n != null).toList();
  }

  @AfterAll
  void stopEverything() throws Exception {
    for (String tag : extraTags) {
      try {
        docker("rmi", tag);
      } catch (Exception | AssertionError e) {
        // Gone already.
      }
    }
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Node node : nodes()) {
      stops.add(CompletableFuture.runAsync(() -> {
        try {
          node.process.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, pool));
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      if (nats != null) {
        nats.close();
      }
      pool.shutdownNow();
      if (originalJar == null) {
        System.clearProperty("faas.node.jar");
      } else {
        System.setProperty("faas.node.jar", originalJar);
      }
      // After the check of the last test: a failed run must not leave containers behind either.
      try {
        List<String> left = containersOfThisPlatform();
        if (!left.isEmpty()) {
          docker(Stream.concat(Stream.of("rm", "-f"), left.stream()).toArray(String[]::new));
        }
      } catch (Exception | AssertionError e) {
        System.out.println("[cluster] could not remove leftover containers: " + e);
      }
      System.out.println("[cluster] logs under " + dir);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theConcurrencyLimitIsExactAcrossApiNodes() throws Exception {
    Await.until(Duration.ofSeconds(20), "the work queue to be empty", nats::activationsHeld,
        n -> n == 0);

    // LIMIT slow calls, half through each API node: all are admitted.
    List<CompletableFuture<Answer>> admitted = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      Node api = apis().get(i % 2);
      admitted.add(CompletableFuture.supplyAsync(() -> invoke(api, "alice", "slow", "5"), pool));
    }
    Await.until(Duration.ofSeconds(15), LIMIT + " activations to hold their places",
        nats::activationsHeld, n -> n == LIMIT);

    // Any more, through either node, is refused at once and nothing is queued.
    List<CompletableFuture<Answer>> extras = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Node api = apis().get(i % 2);
      String user = USERS.get(i % USERS.size());
      extras.add(CompletableFuture.supplyAsync(() -> invoke(api, user, "slow", "1"), pool));
    }
    List<Answer> refused = join(extras, Duration.ofSeconds(20));
    System.out.println("[limit] extra calls answered: " + refused.stream()
        .map(a -> a.node() + " " + a.status() + " in " + a.millis() + " ms").toList());
    for (Answer answer : refused) {
      assertEquals(429, answer.status(), "an extra call is refused: " + answer);
      // At once: well before the 5 s a queued call would wait for a place.
      assertTrue(answer.millis() < 4000, "refused at once, not queued: " + answer);
      assertEquals("1", answer.retryAfter(), "a 429 says when to retry: " + answer);
    }
    assertEquals(Set.of("api-1", "api-2"),
        refused.stream().map(Answer::node).collect(Collectors.toSet()));
    assertEquals(LIMIT, nats.activationsHeld(), "the refused calls took no place");

    for (Answer answer : join(admitted, Duration.ofSeconds(40))) {
      assertEquals(200, answer.status(), "an admitted call runs: " + answer);
      assertEquals("slept 5\n", answer.body());
    }

    // Their places are all given back: LIMIT calls are admitted again.
    Await.until(Duration.ofSeconds(10), "the places to be given back", nats::activationsHeld,
        n -> n == 0);
    List<CompletableFuture<Answer>> again = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      Node api = apis().get((i + 1) % 2);
      String user = USERS.get(i % USERS.size());
      again.add(CompletableFuture.supplyAsync(() -> invoke(api, user, "slow", "2"), pool));
    }
    Await.until(Duration.ofSeconds(15), LIMIT + " new activations to hold their places",
        nats::activationsHeld, n -> n == LIMIT);
    for (Answer answer : join(again, Duration.ofSeconds(40))) {
      assertEquals(200, answer.status(), "the limit is usable again: " + answer);
    }
    checkRecords("limit");
  }

  @Test
  @Order(2)
  void killingAWorkerUnderLoadAnswersEveryCaller() throws Exception {
    long[] killedAt = new long[1];
    List<Answer> answers =
        load(6, Duration.ofSeconds(12), Duration.ofSeconds(3), () -> {
          System.out.println("[worker-kill] SIGKILL to worker-1");
          worker1.process.kill();
          killedAt[0] = System.nanoTime();
        });
    report("worker-kill", answers, killedAt[0]);
    assertEveryCallerAnsweredClearly(answers);
    assertTrue(answers.stream().anyMatch(a -> a.startNanos() > killedAt[0] && a.status() == 200),
        "calls made after the kill succeed on the remaining worker");

    // Once the lost worker's places are given back, calls succeed through both API nodes.
    Await.until(Duration.ofSeconds(30), "the lost worker's places to be given back",
        nats::activationsHeld, n -> n == 0);
    for (int i = 0; i < 4; i++) {
      Answer answer = invoke(apis().get(i % 2), USERS.get(i % USERS.size()), "slow", "0");
      assertEquals(200, answer.status(), "a call after the kill: " + answer);
    }
    assertEquals(200, readyz(worker2), "the remaining worker is ready");
    checkRecords("worker-kill");

    // The worker comes back under the same name and removes the containers it left behind.
    worker1.process.start();
    worker1.awaitReady();
  }

  @Test
  @Order(3)
  void killingTheJetStreamMetaLeaderUnderLoadAnswersEveryCallerAndLosesNothing()
      throws Exception {
    String leader = nats.awaitMetaLeader(Duration.ofSeconds(10));
    long[] killedAt = new long[1];
    List<Answer> answers =
        load(6, Duration.ofSeconds(15), Duration.ofSeconds(3), () -> {
          System.out.println("[nats-kill] SIGKILL to " + leader + ", the JetStream meta leader");
          nats.kill(leader);
          killedAt[0] = System.nanoTime();
        });
    report("nats-kill", answers, killedAt[0]);
    assertEveryCallerAnsweredClearly(answers);

    String newLeader = nats.awaitMetaLeader(Duration.ofSeconds(30));
    System.out.println("[nats-kill] new meta leader: " + newLeader);
    for (Node node : nodes()) {
      Await.until(Duration.ofSeconds(60), node.name + " to be ready again", () -> readyz(node),
          code -> code == 200);
    }
    for (Node api : apis()) {
      Await.until(Duration.ofSeconds(60), "a call through " + api.name + " to succeed again",
          () -> invoke(api, "bob", "slow", "0"), a -> a.status() == 200);
    }

    // Nothing stored is lost: every user logs in and sees all their functions, through both.
    for (Node api : apis()) {
      for (String user : USERS) {
        HttpResponse<String> token = call(api, "POST", "/v1/tokens", credentials(user), null);
        assertEquals(200, token.statusCode(), user + " logs in through " + api.name);
        String fresh = JSON.readTree(token.body()).get("token").asText();
        HttpResponse<String> list = call(api, "GET", "/v1/functions", null, fresh);
        assertEquals(200, list.statusCode(), list.body());
        Map<String, String> seen = new TreeMap<>();
        for (JsonNode fn : JSON.readTree(list.body()).get("functions")) {
          seen.put(fn.get("name").asText(), fn.get("image").asText());
        }
        assertEquals(new TreeMap<>(stored.get(user)), seen,
            user + "'s functions through " + api.name);
        for (String name : stored.get(user).keySet()) {
          assertEquals(200, call(api, "GET", "/v1/functions/" + name, null, fresh).statusCode());
        }
      }
    }
    // And the store takes writes again.
    HttpResponse<String> created =
        call(api2, "POST", "/v1/functions",
            "{\"name\":\"after-loss\",\"image\":\"" + IMAGE + "\",\"timeoutMs\":10000}",
            tokens.get("carol"));
    assertEquals(201, created.statusCode(), created.body());

    // Reads that scan a bucket start an ephemeral consumer; with one server of three down, the
    // nats-server 2.9 here may place it on the dead one and the scan times out (503): measured
    // and reported, not asserted.
    int scans = 0;
    int unavailable = 0;
    for (Node api : apis()) {
      for (String user : USERS) {
        int status =
            call(api, "GET", "/v1/activations?limit=1", null, tokens.get(user)).statusCode();
        scans++;
        if (status == 503) {
          unavailable++;
        } else {
          assertEquals(200, status, "an activation listing through " + api.name);
        }
      }
    }

    if (unavailable > 0) {
      knownIssue("nats-kill", unavailable + " of " + scans + " activation listings answered 503"
          + " with " + leader + " down (ephemeral consumer placed on the dead server)");
    }

    // The lost server comes back with its store and should catch up. On nats-server 2.9.10 its
    // replica of the ACTIVATIONS stream sometimes never does: reported, not asserted.
    nats.restart(leader);
    long restarted = System.nanoTime();
    String health = nats.health(leader);
    while (!health.equals("200") && System.nanoTime() - restarted < 20_000_000_000L) {
      Thread.sleep(500);
      health = nats.health(leader);
    }
    if (health.equals("200")) {
      System.out.println("[nats-kill] " + leader + " restarted and current again after "
          + (System.nanoTime() - restarted) / 1_000_000 + " ms");
    } else {
      knownIssue("nats-kill", leader + " restarted but not current after 20 s: " + health);
    }
    checkRecords("nats-kill");
  }

  /**
   * A failure of the nats-server this runs on rather than of the platform (docs/local-cluster.md,
   * "Known issues"): printed, and fatal only with {@code -Dfaas.cluster.it.strict=true}.
   */
  private static void knownIssue(String what, String message) {
    System.out.println("[" + what + "] KNOWN ISSUE: " + message);
    if (Boolean.getBoolean("faas.cluster.it.strict")) {
      fail(message);
    }
  }

  @Test
  @Order(4)
  void noContainerOfThisPlatformIsLeft() throws Exception {
    Await.until(Duration.ofSeconds(30),
        () -> {
          try {
            return "the containers labelled " + platform + " (" + containersOfThisPlatform()
                + ") to be removed";
          } catch (Exception e) {
            return e.toString();
          }
        },
        () -> containersOfThisPlatform().isEmpty());
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * {@code callers} clients each calling in a loop for {@code total}, alternating API nodes,
   * pausing 100 ms after any answer other than 200; {@code disruption} runs after {@code at}.
   * Every caller must be done within {@code total} plus one client timeout: one that is not hung.
   */
  private List<Answer> load(int callers, Duration total, Duration at, Disruption disruption)
      throws Exception {
    long start = System.nanoTime();
    long end = start + total.toNanos();
    List<Future<List<Answer>>> running = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int caller = c;
      running.add(pool.submit(() -> {
        List<Answer> mine = new ArrayList<>();
        for (int i = 0; System.nanoTime() < end; i++) {
          Answer answer =
              invoke(apis().get((caller + i) % 2), USERS.get(caller % USERS.size()), "slow", "1");
          mine.add(answer);
          if (answer.status() != 200) {
            Thread.sleep(100);
          }
        }
        return mine;
      }));
    }
    Thread.sleep(at.toMillis());
    disruption.run();
    List<Answer> all = new ArrayList<>();
    long bound = end + CLIENT_TIMEOUT.toNanos() + Duration.ofSeconds(10).toNanos();
    for (Future<List<Answer>> caller : running) {
      try {
        all.addAll(caller.get(Math.max(0, bound - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        fail("a caller never got its answer: it hangs");
      }
    }
    return all;
  }

  @FunctionalInterface
  private interface Disruption {
    void run() throws Exception;
  }

  private static void assertEveryCallerAnsweredClearly(List<Answer> answers) {
    List<Answer> unclear = answers.stream().filter(a -> !a.isClear()).toList();
    List<Answer> hung =
        answers.stream().filter(a -> a.error() instanceof HttpTimeoutException).toList();
    assertTrue(hung.isEmpty(), "callers got no answer within " + CLIENT_TIMEOUT + ": " + hung);
    assertTrue(unclear.isEmpty(),
        "every answer is a result or a clear problem (" + CLEAR_ANSWERS + "): " + unclear);
    assertTrue(answers.stream().anyMatch(a -> a.status() == 200), "the load got results");
  }

  private static void report(String what, List<Answer> answers, long killedAt) {
    Map<String, Long> byStatus =
        answers.stream().collect(Collectors.groupingBy(
            a -> (a.startNanos() < killedAt ? "before " : "after ")
                + (a.error() != null ? a.error().getClass().getSimpleName() : a.status()),
            TreeMap::new, Collectors.counting()));
    long slowest = answers.stream().mapToLong(Answer::millis).max().orElse(0);
    System.out.println("[" + what + "] " + answers.size() + " calls " + byStatus
        + ", slowest answer " + slowest + " ms");
    // The problems other than 429, by kind, with when they were asked relative to the kill.
    Map<String, List<Answer>> problems =
        answers.stream().filter(a -> a.status() != 200 && a.status() != 429)
            .collect(Collectors.groupingBy(ClusterIT::kind, TreeMap::new, Collectors.toList()));
    problems.forEach((kind, list) -> {
      long first = list.stream().mapToLong(Answer::startNanos).min().orElse(0) - killedAt;
      long last = list.stream().mapToLong(Answer::startNanos).max().orElse(0) - killedAt;
      long slowestOfKind = list.stream().mapToLong(Answer::millis).max().orElse(0);
      System.out.printf("[%s]   %d x %s, asked %+d..%+d ms from the kill, slowest %d ms%n",
          what, list.size(), kind, first / 1_000_000, last / 1_000_000, slowestOfKind);
    });
    answers.stream().filter(a -> a.status() == 200 && a.startNanos() > killedAt)
        .mapToLong(Answer::startNanos).min()
        .ifPresent(t -> System.out.printf("[%s]   first 200 asked after the kill: %+d ms%n",
            what, (t - killedAt) / 1_000_000));
  }

  private static String kind(Answer answer) {
    if (answer.error() != null) {
      return answer.error().getClass().getSimpleName();
    }
    try {
      JsonNode detail = JSON.readTree(answer.body()).path("detail");
      return answer.status() + " " + detail.asText("").replaceAll("[a-z0-9]{24}", "<id>");
    } catch (IOException e) {
      return answer.status() + " " + answer.body();
    }
  }

  private Answer invoke(Node api, String user, String function, String parameter) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response =
          api.client.send(
              HttpRequest.newBuilder(URI.create(api.url("/v1/functions/" + function + "/invoke")))
                  .timeout(CLIENT_TIMEOUT)
                  .header("Authorization", "Bearer " + tokens.get(user))
                  .POST(HttpRequest.BodyPublishers.ofString(parameter))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      rememberActivationId(response);
      return new Answer(api.name, response.statusCode(), response.body(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue("Retry-After").orElse(null), start,
          (System.nanoTime() - start) / 1_000_000, null);
    } catch (IOException e) {
      return new Answer(api.name, -1, "", "", null, start, (System.nanoTime() - start) / 1_000_000,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(api.name, -1, "", "", null, start, (System.nanoTime() - start) / 1_000_000,
          e);
    }
  }

  private void rememberActivationId(HttpResponse<String> response) {
    response.headers().firstValue("X-Activation-Id").ifPresent(answeredIds::add);
    if (response.statusCode() != 200) {
      try {
        JsonNode id = JSON.readTree(response.body()).path("activationId");
        if (id.isTextual()) {
          answeredIds.add(id.asText());
        }
      } catch (IOException e) {
        // not a problem body: the content-type check reports it
      }
    }
  }

  /**
   * Checks the activation records of every user: no more than {@link #LIMIT} containers ever ran
   * at once (each record's run is the last {@code runMs} of its {@code durationMs} from admission:
   * a container starts only after its request took a place, and ends before the place is given
   * back), and lists the activations that ran although no caller was told their id: only a 429
   * carries no id, and a 429 promises that nothing was run.
   */
  private void checkRecords(String what) throws Exception {
    List<long[]> runs = new ArrayList<>();
    List<String> untold = new ArrayList<>();
    for (String user : USERS) {
      // A 503 says "try again shortly" (Retry-After: 1): a client does, a few times.
      HttpResponse<String> list = null;
      for (int attempt = 1; attempt <= 5; attempt++) {
        list = call(api1, "GET", "/v1/activations?function=slow&limit=200", null,
            tokens.get(user));
        if (list.statusCode() != 503) {
          break;
        }
        System.out.println("[" + what + "] activation listing answered 503, attempt " + attempt);
        Thread.sleep(1000);
      }
      assertEquals(200, list.statusCode(), list.body());
      for (JsonNode record : JSON.readTree(list.body()).get("activations")) {
        long end = java.time.Instant.parse(record.get("startedAt").asText()).toEpochMilli()
            + record.get("durationMs").asLong();
        long run = record.path("timings").path("runMs").asLong();
        runs.add(new long[] {end - run, end});
        String id = record.get("activationId").asText();
        if (!answeredIds.contains(id)) {
          untold.add(id + " (" + record.get("status").asText() + ", ran " + run + " ms)");
        }
      }
    }
    // The most runs overlapping at any instant: +1 at each start, -1 at each end, ends first.
    List<long[]> events = new ArrayList<>();
    for (long[] r : runs) {
      events.add(new long[] {r[0], 1});
      events.add(new long[] {r[1], -1});
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int current = 0;
    int most = 0;
    for (long[] e : events) {
      current += (int) e[1];
      most = Math.max(most, current);
    }
    System.out.println("[" + what + "] records: " + runs.size() + " runs, at most " + most
        + " at once; ran with no caller told its id: " + untold.size());
    assertTrue(most <= LIMIT, "at most " + LIMIT + " functions ran at once, not " + most);
    if (!untold.isEmpty()) {
      knownIssue(what, "activations ran although their callers were answered 429 (\"nothing was"
          + " run\") or never answered: " + untold);
    }
  }

  private static List<Answer> join(List<CompletableFuture<Answer>> calls, Duration within)
      throws Exception {
    try {
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
          .get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fail("calls got no answer within " + within);
    }
    return calls.stream().map(CompletableFuture::join).toList();
  }

  private HttpResponse<String> call(Node api, String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api.url(path)))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return api.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int readyz(Node node) {
    try {
      return node.client.send(
              HttpRequest.newBuilder(URI.create(node.url("/readyz")))
                  .timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String credentials(String user) {
    return "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}";
  }

  /** Registers {@code user} and three functions through {@code api}, and logs in through both. */
  private void createUserWithFunctions(String user, Node api) throws Exception {
    HttpResponse<String> created = call(api, "POST", "/v1/users", credentials(user), null);
    assertEquals(201, created.statusCode(), created.body());
    HttpResponse<String> token = call(api, "POST", "/v1/tokens", credentials(user), null);
    assertEquals(200, token.statusCode(), token.body());
    tokens.put(user, JSON.readTree(token.body()).get("token").asText());
    Map<String, String> functions = new LinkedHashMap<>();
    functions.put("slow", IMAGE);
    functions.put("keep-" + user, "faas-cluster-it/kept-" + user + ":1");
    functions.put("other", "faas-cluster-it/" + user + "-other:2");
    // Under the nodes' local-first policy a reference must name an image the engine has: each is
    // the test image under another name, so that a mixed-up function shows.
    for (String image : functions.values()) {
      if (!image.equals(IMAGE)) {
        docker("tag", IMAGE, image);
        extraTags.add(image);
      }
    }
    for (Map.Entry<String, String> fn : functions.entrySet()) {
      HttpResponse<String> made =
          call(api, "POST", "/v1/functions",
              "{\"name\":\"" + fn.getKey() + "\",\"image\":\"" + fn.getValue()
                  + "\",\"timeoutMs\":10000}",
              tokens.get(user));
      assertEquals(201, made.statusCode(), made.body());
    }
    stored.put(user, functions);
    // The other API node learns of them through its key-value watch.
    Node other = api == api1 ? api2 : api1;
    Await.until(Duration.ofSeconds(20), user + "'s functions to reach " + other.name,
        () -> call(other, "GET", "/v1/functions", null, tokens.get(user)).body(),
        body -> functions.keySet().stream().allMatch(name -> body.contains("\"" + name + "\"")));
  }

  // ---------------------------------------------------------------------------------------------

  /** A function image from nothing but the host's static busybox: sleeps its parameter's seconds. */
  private void buildTestImage() throws Exception {
    Path context = dir.resolve("image");
    Files.createDirectories(context);
    Path busybox = Stream.of("/usr/bin/busybox", "/bin/busybox").map(Path::of)
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new AssertionError("busybox-static is not installed"));
    Files.copy(busybox, context.resolve("busybox"));
    Files.writeString(context.resolve("Dockerfile"),
        "FROM scratch\n"
            + "COPY busybox /bin/busybox\n"
            + "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
            + "CMD [\"sh\", \"-c\", \"read -r d; sleep \\\"${d:-0}\\\"; echo \\\"slept ${d:-0}\\\"\"]\n");
    docker("build", "-q", "-t", IMAGE, context.toString());
  }

  /**
   * The function containers of this platform: the platform's own (each worker's lease on the
   * engine, which lasts as long as the worker) carry a {@code dev.faas.role} label and are not
   * counted.
   */
  private List<String> containersOfThisPlatform() throws Exception {
    String filter = "label=" + PLATFORM_LABEL + "=" + platform;
    List<String> own =
        docker("ps", "-aq", "--filter", filter, "--filter", "label=dev.faas.role")
            .lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    return docker("ps", "-aq", "--filter", filter)
        .lines().map(String::strip).filter(s -> !s.isEmpty() && !own.contains(s)).toList();
  }

  private static String docker(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(DOCKER);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("docker " + String.join(" ", args) + " did not finish");
    }
    String text = output.get(10, TimeUnit.SECONDS);
    if (process.exitValue() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed: " + text);
    }
    return text;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
