package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity does not outlive the user (issue 13): a user's functions, activation records and
 * registry credentials are keyed by the user's id, go with the user, and whoever registers the
 * name next sees none of them; functions created while their user is deleted do not survive as
 * orphans. Through the HTTPS API of a real node on a real nats-server and Docker engine, with the
 * buckets read directly to see that nothing is left under the old ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserIdentityIT {
  private static final String SECRET = "s3cret-of-the-first-xavier";
  private static final int ROUNDS = 10;
  private static final int CREATES_PER_ROUND = 4;
  private static final String[] BUCKETS = {"functions", "activations", "registries"};

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private HttpClient http;
  private String tellsSecret;
  private final ExecutorService pool = Executors.newFixedThreadPool(CREATES_PER_ROUND + 1);

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, UserIdentityIT.class);
    node = cluster.startAllInOne(Map.of("FAAS_MAX_CONCURRENT", "4", "FAAS_WORKER_SLOTS", "2"));
    // Built while the node starts.
    tellsSecret =
        FunctionImages.withCommand("tells", "[\"sh\",\"-c\",\"cat >/dev/null; echo " + SECRET + "\"]");
    http = TestCluster.awaitReady(node);
  }

  @AfterAll
  void stop() throws Exception {
    pool.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNameRegisteredAgainSeesNothingOfTheUserDeletedBefore() throws Exception {
    FaasClient first = FaasClient.signUp(http, node.baseUrl(), "xavier");
    String firstId = first.userId();
    first.createFunction("tell", tellsSecret);
    Reply told =
        Await.until(
            Duration.ofSeconds(60),
            "a first successful call of tell",
            () -> first.invoke("tell", "ping"),
            r -> r.status() == 200);
    assertTrue(told.text().contains(SECRET), told::toString);
    String activationId = told.header("X-Activation-Id");
    assertNotNull(activationId, "X-Activation-Id");
    Await.until(
        Duration.ofSeconds(10),
        "the record of " + activationId,
        () -> first.get("/v1/activations/" + activationId),
        r -> r.status() == 200);
    assertEquals(
        204, first.call("PUT", "/v1/registries/ghcr.io", "{\"username\":\"u\",\"password\":\"p4ssw0rd-x\"}").status());
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);

    Reply gone = first.call("DELETE", "/v1/users/me", null);
    assertEquals(204, gone.status(), gone::toString);

    FaasClient second = FaasClient.signUp(http, node.baseUrl(), "xavier");
    Reply functions = second.get("/v1/functions");
    assertEquals(0, functions.json().get("functions").size(), functions::toString);
    Reply records = second.get("/v1/activations");
    assertEquals(200, records.status(), records::toString);
    assertEquals(0, records.json().get("activations").size(), records::toString);
    assertTrue(!records.text().contains(SECRET), records::toString);
    Reply old = second.get("/v1/activations/" + activationId);
    assertEquals(404, old.status(), old::toString);
    assertEquals(404, second.invoke("tell", "ping").status());
    assertEquals(0, second.get("/v1/registries").json().get("registries").size());
    assertNotEquals(firstId, second.userId(), "a new user of the name has a new id");
    assertNothingUnder(List.of(firstId));
    second.call("DELETE", "/v1/users/me", null);
  }

  @Test
  void functionsCreatedWhileTheirUserIsDeletedLeaveNoOrphans() throws Exception {
    List<String> oldIds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      FaasClient racer = signUp("racer", round);
      oldIds.add(racer.userId());
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Reply>> creates = new ArrayList<>();
      for (int i = 0; i < CREATES_PER_ROUND; i++) {
        String body = "{\"name\":\"r" + round + "-" + i + "\",\"image\":\"" + tellsSecret + "\"}";
        creates.add(
            pool.submit(
                () -> {
                  go.await();
                  return racer.call("POST", "/v1/functions", body);
                }));
      }
      Future<Reply> deletion =
          pool.submit(
              () -> {
                go.await();
                return racer.call("DELETE", "/v1/users/me", null);
              });
      go.countDown();
      Reply deleted = deletion.get(30, TimeUnit.SECONDS);
      assertEquals(204, deleted.status(), deleted::toString);
      for (Future<Reply> create : creates) {
        int status = create.get(30, TimeUnit.SECONDS).status();
        // Created before the deletion (and swept by it), refused after it, or taken back.
        assertTrue(status == 201 || status == 401 || status == 404, "create answered " + status);
      }
    }

    FaasClient heir = FaasClient.signUp(http, node.baseUrl(), "racer");
    Reply functions = heir.get("/v1/functions");
    assertEquals(0, functions.json().get("functions").size(), functions::toString);
    assertNothingUnder(oldIds);
    heir.call("DELETE", "/v1/users/me", null);
  }

  private FaasClient signUp(String name, int round) throws Exception {
    try {
      return FaasClient.signUp(http, node.baseUrl(), name);
    } catch (AssertionError e) {
      throw new AssertionError("round " + round + ": " + e.getMessage(), e);
    }
  }

  /** No bucket holds a key of any of these user ids. */
  private void assertNothingUnder(List<String> userIds) throws Exception {
    try (Connection nats = Nats.connect(cluster.nats().url())) {
      for (String bucket : BUCKETS) {
        for (String id : userIds) {
          assertEquals(
              List.of(),
              nats.keyValue(bucket).keys(id + ".>"),
              "keys of deleted user " + id + " in " + bucket);
        }
      }
    }
  }
}
