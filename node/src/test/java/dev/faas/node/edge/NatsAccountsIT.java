package dev.faas.node.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import dev.faas.node.it.TestNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deployments' NATS accounts ({@code compose/nats/accounts.conf}, the very file) on a real
 * nats-server: a worker's user cannot read the token signing key, the users or copy them out
 * through a stream of its own, while a worker node authenticated as that user still runs an
 * activation and an API node authenticated as {@code api} registers users and issues tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatsAccountsIT {
  private static final Duration SHORT = Duration.ofSeconds(2);

  // A letter first, as compose/gen-dev-cert.sh makes them: nats-server parses the variable as a
  // configuration value, and one starting with a digit fails to parse (or becomes a number).
  private final String apiPassword = "p" + UUID.randomUUID().toString().replace("-", "");
  private final String workerPassword = "p" + UUID.randomUUID().toString().replace("-", "");
  private final String platform = "it-accounts-" + UUID.randomUUID().toString().substring(0, 8);
  private Path dir;
  private Process server;
  private String url;
  private NodeProcess api;
  private NodeProcess worker;
  private FaasClient user;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("nats-accounts");
    int port = TestNats.freePort();
    url = "nats://127.0.0.1:" + port;
    // nats-server resolves an include relative to the including file: the deployment's own file
    // is copied beside it, unchanged.
    Files.copy(locate("compose/nats/accounts.conf"), dir.resolve("accounts.conf"));
    Files.writeString(
        dir.resolve("nats.conf"),
        "listen: 127.0.0.1:" + port + "\n"
            + "max_payload: 8MB\n"
            + "jetstream { store_dir: \"" + dir.resolve("js") + "\" }\n"
            + "include ./accounts.conf\n");
    ProcessBuilder pb =
        new ProcessBuilder(natsServer(), "-c", dir.resolve("nats.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nats.log").toFile());
    pb.environment().put("FAAS_NATS_API_PASSWORD", apiPassword);
    pb.environment().put("FAAS_NATS_WORKER_PASSWORD", workerPassword);
    server = pb.start();
    Await.until(Duration.ofSeconds(10), () -> "nats-server listening", () -> listening(port));

    api = node("api", Map.of("FAAS_ROLES", "api", "FAAS_NATS_USER", "api",
        "FAAS_NATS_PASSWORD", apiPassword));
    HttpClient http = TestCluster.awaitReady(api);
    user = FaasClient.signUp(http, api.baseUrl(), "accounts-user");
    worker = node("worker", Map.of("FAAS_ROLES", "worker", "FAAS_NATS_USER", "worker",
        "FAAS_NATS_PASSWORD", workerPassword));
    TestCluster.awaitReady(worker);
  }

  @AfterAll
  void stop() throws Exception {
    for (NodeProcess node : new NodeProcess[] {worker, api}) {
      if (node != null) {
        node.stop();
      }
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void anApiNodeRegistersUsersAndIssuesTokensAndAWorkerNodeRunsAnActivation() throws Exception {
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    user.createFunction("echo-accounts", cat);
    FaasClient.Reply reply = user.invoke("echo-accounts", "through the worker's account");
    assertEquals(200, reply.status(), reply.text());
    assertEquals("through the worker's account", reply.text());
  }

  @Test
  void theWorkersUserCannotReadTheSigningKeyOrTheUsers() throws Exception {
    try (Connection asApi = connect("api", apiPassword);
        Connection asWorker = connect("worker", workerPassword)) {
      // They exist, and the API's user reads them...
      KeyValueEntry key = kv(asApi, "config").get("jwt-signing-key");
      assertNotNull(key, "the API node made no signing key");
      List<String> users = kv(asApi, "users").keys();
      assertTrue(!users.isEmpty(), "no user in the bucket");
      String someone = users.get(0);
      // ...the worker's does not, by any of the ways a client can ask.
      assertDenied(() -> kv(asWorker, "config").get("jwt-signing-key"));
      assertDenied(() -> kv(asWorker, "users").get(someone));
      JetStreamManagement jsm = asWorker.jetStreamManagement();
      assertDenied(() -> jsm.getLastMessage("KV_config", "$KV.config.jwt-signing-key"));
      assertDenied(() -> jsm.getLastMessage("KV_users", "$KV.users." + someone));
      assertDenied(() -> kv(asWorker, "users").keys());
      assertDenied(() -> kv(asWorker, "config").keys());
      // A stream of its own sourcing the bucket would copy the key out.
      assertDenied(
          () ->
              jsm.addStream(
                  StreamConfiguration.builder()
                      .name("STOLEN")
                      .storageType(StorageType.Memory)
                      .sources(List.of(Source.builder().sourceName("KV_config").build()))
                      .build()));
      // What it needs stays readable: functions, and the key sealing registry credentials.
      kv(asWorker, "functions").keys();
      KeyValueEntry sealing = kv(asApi, "config").get("registry-key");
      KeyValueEntry seenByWorker = kv(asWorker, "config").get("registry-key");
      if (sealing != null) {
        assertArrayEquals(sealing.getValue(), seenByWorker.getValue());
      }
    }
  }

  @Test
  void theWorkersUserCannotSubscribeToTheBucketsSubjects() throws Exception {
    try (Connection asWorker = connect("worker", workerPassword)) {
      asWorker.subscribe("$KV.config.>");
      asWorker.flush(SHORT);
      // The server refuses the subscription asynchronously, as the connection's last error.
      Await.until(
          SHORT,
          () -> "the server refusing the subscription",
          () -> String.valueOf(asWorker.getLastError()).contains("Permissions Violation"));
    }
  }

  @Test
  void nobodyConnectsWithoutAPassword() {
    assertThrows(Exception.class, () -> connect(null, null).close());
    assertThrows(Exception.class, () -> connect("worker", "wrong").close());
  }

  private NodeProcess node(String name, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("FAAS_NATS_URL", url);
    all.put("FAAS_PLATFORM", platform);
    all.put("FAAS_NODE_NAME", platform + "-" + name);
    return new NodeProcess(dir.resolve(name), TestNats.freePort(), all).start();
  }

  private Connection connect(String user, String password) throws Exception {
    Options.Builder options =
        new Options.Builder().server(url).connectionTimeout(SHORT).maxReconnects(0);
    if (user != null) {
      options.userInfo(user, password);
    }
    return Nats.connect(options.build());
  }

  private static KeyValue kv(Connection c, String bucket) throws IOException {
    return c.keyValue(bucket, KeyValueOptions.builder().jsRequestTimeout(SHORT).build());
  }

  /** The call fails (the server refuses the request, so it is never answered) or gets nothing. */
  private static void assertDenied(Await.Check<?> call) {
    Object got;
    try {
      got = call.get();
    } catch (Exception e) {
      return;
    }
    assertTrue(
        got == null || (got instanceof List<?> l && l.isEmpty()),
        "a worker's user read " + got);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String natsServer() {
    for (String candidate :
        new String[] {System.getenv("nats_server_path"), "/usr/sbin/nats-server",
            "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
      if (candidate != null && Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "nats-server";
  }

  private static Path locate(String relative) {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path base : List.of(cwd.resolve(".."), cwd)) {
      Path candidate = base.resolve(relative).normalize();
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(relative + " not found from " + cwd);
  }
}
