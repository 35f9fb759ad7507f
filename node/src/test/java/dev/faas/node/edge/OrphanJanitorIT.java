package dev.faas.node.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.User;
import dev.faas.actors.store.SealedLogin;
import dev.faas.nats.NatsBridge;
import dev.faas.nats.NatsSettings;
import dev.faas.node.it.Await;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestNats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The orphan janitor of an API node on a real nats-server: data written through the stores under
 * a user id no user has (functions, API keys, registry credentials, activation records and their
 * index) is gone within a few of its intervals, while the same kinds of data of a user that
 * exists stay. What a failed user deletion leaves behind looks exactly like this.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrphanJanitorIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private final String platform = "it-janitor-" + UUID.randomUUID().toString().substring(0, 8);
  private final String orphan = UUID.randomUUID().toString();
  private final String live = UUID.randomUUID().toString();
  private final ExecutorService blocking = Executors.newFixedThreadPool(4);
  private Path dir;
  private TestNats nats;
  private NatsBridge bridge;
  private NodeProcess node;
  private HttpClient http;
  private final String orphanRecord = activationId();
  private final String liveRecord = activationId();

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("janitor");
    nats = new TestNats(dir.resolve("js")).start();
    node =
        new NodeProcess(
                dir.resolve("node"),
                TestNats.freePort(),
                Map.of(
                    "FAAS_NATS_URL", nats.url(),
                    "FAAS_ROLES", "api",
                    "FAAS_TLS", "false",
                    "FAAS_JANITOR_INTERVAL", "1s",
                    "FAAS_PLATFORM", platform,
                    "FAAS_NODE_NAME", platform + "-api"))
            .start();
    bridge =
        NatsBridge.connect(
            NatsSettings.defaults().withServers(List.of(nats.url())).withConnectionName("it"),
            blocking);
    Await.until(WITHIN, () -> "the test's bridge ready", bridge::isReady);
    // The live user first, as the API does: data is written only for a user that exists.
    await(bridge.users().create(new User("janitor-live", "$argon2id$x", live, now())));
    for (String owner : List.of(live, orphan)) {
      await(bridge.functions().create(function(owner, "fn-a")));
      await(bridge.functions().create(function(owner, "fn-b")));
      await(bridge.keys().create(key(owner)));
      await(
          bridge
              .registryCredentials()
              .put(new SealedLogin(owner, "registry.example.org", "u", new byte[] {1, 2}, now())));
    }
    await(bridge.activations().put(record(live, liveRecord)));
    await(bridge.activations().put(record(orphan, orphanRecord)));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    node.awaitReady(http, Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
    if (bridge != null) {
      bridge.close();
    }
    blocking.shutdownNow();
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void dataWithoutAUserIsRemovedAndALiveUsersDataStays() throws Exception {
    Await.until(
        WITHIN,
        () -> "the orphan's data removed; the node says:\n" + log(),
        () ->
            await(bridge.functions().list(orphan)).isEmpty()
                && await(bridge.keys().list(orphan)).isEmpty()
                && await(bridge.registryCredentials().list(orphan)).isEmpty()
                && await(bridge.activations().get(orphan, orphanRecord)).isEmpty()
                && await(bridge.activations().list(orphan, null, 10, null)).activations().isEmpty());
    assertTrue(log().contains("removed the data of user id [" + orphan + "]"), log());

    // Two more passes later (the live user is a candidate of none), its data is all there.
    double passes = metric("faas_janitor_passes_total");
    Await.until(
        WITHIN, () -> "two more janitor passes", () -> metric("faas_janitor_passes_total") >= passes + 2);
    assertEquals(2, await(bridge.functions().list(live)).size());
    assertEquals(1, await(bridge.keys().list(live)).size());
    assertEquals(1, await(bridge.registryCredentials().list(live)).size());
    assertTrue(await(bridge.activations().get(live, liveRecord)).isPresent());
    assertEquals(1, await(bridge.activations().list(live, null, 10, null)).activations().size());
    assertEquals(1.0, metric("faas_janitor_swept_owners_total"), log());
  }

  private double metric(String name) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String log() {
    try {
      return node.log();
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static FunctionSpec function(String owner, String name) {
    return new FunctionSpec(
        owner, name, "busybox:1", 30_000, 128, "", Map.of(), InputMode.STDIN, false, now(), now());
  }

  private static ApiKey key(String owner) {
    byte[] id = new byte[10];
    ThreadLocalRandom.current().nextBytes(id);
    return new ApiKey(
        HexFormat.of().formatHex(id), owner, "janitor", "k", ApiKey.Scope.INVOKE, List.of(), now(),
        null, "0".repeat(64), null);
  }

  private static String activationId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static ActivationRecord record(String owner, String id) {
    return new ActivationRecord(
        id, owner, "fn-a", ActivationStatus.SUCCESS, null, 0, "ok".getBytes(), "", false, now(),
        12, "worker-1", false, 1, 2, 3, 0L, false);
  }
}
