package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasCli;
import dev.faas.node.it.FaasCli.Run;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code faas} CLI as a user's shell runs it: the shaded jar as one process per command,
 * against one real node over HTTPS, trusting the node's self-signed certificate through {@code
 * --ca-file}. One user's story, in order: sign up; a function by hand; two from a manifest
 * ({@code apply}, then again: nothing changes); invocations, byte for byte; {@code apply --prune};
 * and the exit codes scripts branch on (docs/cli.md) on the way. Every run is a JVM start, so the
 * story is kept to the runs that prove something only the real jar and node can.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The user's function limit: one by hand and two from the manifest reach it. */
  private static final int MAX_FUNCTIONS = 3;
  private static final String PASSWORD = "cli-password-1";
  /** What the "bytes" function prints: no trailing newline, a NUL, a byte that is not UTF-8. */
  private static final byte[] BYTES = {'x', 1, (byte) 0xff, 0, 'y'};

  @TempDir static Path dir;
  private TestCluster cluster;
  private FaasCli faas;
  private Path ca;
  private Path manifest;
  private String cat;
  private String bytes;
  private String fail;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, CliIT.class);
    NodeProcess node =
        cluster.startAllInOne(Map.of("FAAS_MAX_FUNCTIONS_PER_USER", Integer.toString(MAX_FUNCTIONS)));
    cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    bytes = FunctionImages.withCommand("cli-bytes", "[\"printf\",\"x\\\\001\\\\377\\\\000y\"]");
    fail = FunctionImages.withCommand("cli-fail", "[\"sh\",\"-c\",\"echo oops >&2; exit 3\"]");
    TestCluster.awaitReady(node);
    // The node's own keystore: the CLI reads its certificate with the password kept beside it.
    ca = dir.resolve("node").resolve("tls").resolve("node.p12");
    manifest = dir.resolve("faas.yaml");
    faas = new FaasCli(dir.resolve("cli"), Map.of("FAAS_URL", node.baseUrl()));
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void registerKeepsTheTokenInAPrivateFileWhichWhoamiUsesAndAWrongPasswordIsExitCodeThree()
      throws Exception {
    ok(faas.run(utf8(PASSWORD + "\n"), Map.of(), "register", "--user", "carol", "--password-stdin", "--ca-file", ca.toString()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(faas.configFile())));
    // --ca-file was kept in the profile with the token: no option needed from here on.
    assertEquals("carol", json(ok(faas.run("whoami", "-o", "json"))).path("username").asText());

    Run wrong = faas.run(utf8("not-the-password\n"), Map.of(), "login", "--user", "carol", "--password-stdin");
    assertEquals(3, wrong.code(), wrong::toString);
    assertTrue(wrong.stderr().startsWith("error: ") && wrong.stderr().contains("request id: "), wrong::toString);
  }

  @Test
  @Order(2)
  void aFunctionByHandAndTheExitCodesOfNotFoundAndBadUsage() throws Exception {
    ok(faas.run("fn", "create", "echo", "--image", cat, "--timeout", "20s", "--memory", "64Mi", "--env", "A=b"));
    JsonNode echo = json(ok(faas.run("fn", "get", "echo", "-o", "json")));
    assertEquals(20_000, echo.path("timeoutMs").asInt(), echo::toString);
    assertEquals(64, echo.path("memoryMb").asInt(), echo::toString);
    assertEquals("b", echo.path("env").path("A").asText(), echo::toString);

    Run missing = faas.run("fn", "get", "nope");
    assertEquals(4, missing.code(), missing::toString);
    Run usage = faas.run("fn", "create", "noimage");
    assertEquals(2, usage.code(), usage::toString);
    assertEquals(0, usage.stdout().length);
  }

  @Test
  @Order(3)
  void applyCreatesAndASecondRunChangesNothingAndTheLimitIsExitCodeFive() throws Exception {
    Files.writeString(
        manifest,
        "functions:\n"
            + "  - name: bytes\n    image: " + bytes + "\n"
            + "  - name: fail\n    image: " + fail + "\n    env: {MODE: test}\n");
    JsonNode first = json(ok(faas.run("apply", "-f", manifest.toString(), "-o", "json")));
    assertEquals(List.of("bytes", "fail"), texts(first.path("created")), first::toString);

    Run again = ok(faas.run("apply", "-f", manifest.toString()));
    assertEquals("Nothing changed: 2 function(s) up to date.\n", again.out(), again::toString);

    Run over = faas.run("fn", "create", "extra", "--image", cat);
    assertEquals(5, over.code(), over::toString);
    assertTrue(over.stderr().contains("limit-functions"), over::toString);
  }

  @Test
  @Order(4)
  void invokeWritesTheResultByteForByteAndAFailedFunctionIsExitCodeOne() throws Exception {
    // A parameter from a file, without a trailing newline, comes back exactly and alone.
    Path parameter = dir.resolve("parameter");
    Files.write(parameter, utf8("tab\there, \u00fcn\u00efc\u00f6de, no newline"));
    Run echoed =
        Await.until(
            Duration.ofSeconds(60), "a first call through the CLI",
            () -> faas.run("invoke", "echo", "--data", "@" + parameter),
            r -> r.code() != 6);
    ok(echoed);
    assertArrayEquals(Files.readAllBytes(parameter), echoed.stdout(), echoed::toString);
    assertEquals("", echoed.stderr());

    Run binary = ok(faas.run("invoke", "bytes"));
    assertArrayEquals(BYTES, binary.stdout(), binary::toString);

    Run failed = faas.run("invoke", "fail");
    assertEquals(1, failed.code(), failed::toString);
    assertEquals(0, failed.stdout().length, failed::toString);
    assertTrue(failed.stderr().contains("function-exit") && failed.stderr().contains("exit code: 3"), failed::toString);
  }

  @Test
  @Order(5)
  void applyPruneUpdatesWithTheEtagAndDeletesWhatTheFileNoLongerLists() throws Exception {
    Files.writeString(manifest, "functions:\n  - name: bytes\n    image: " + bytes + "\n    timeoutMs: 6000\n");
    JsonNode pruned = json(ok(faas.run("apply", "-f", manifest.toString(), "--prune", "-o", "json")));
    JsonNode updated = pruned.path("updated").path(0);
    assertEquals("bytes", updated.path("name").asText(), pruned::toString);
    assertEquals("timeoutMs", updated.path("changes").path(0).path("field").asText(), pruned::toString);
    assertEquals(6000, updated.path("changes").path(0).path("to").asInt(), pruned::toString);
    assertEquals(List.of("echo", "fail"), texts(pruned.path("deleted")), pruned::toString);

    String table = ok(faas.run("fn", "list")).out();
    List<String> lines = table.lines().toList();
    assertEquals(2, lines.size(), table);
    assertTrue(lines.get(0).startsWith("NAME ") && lines.get(1).startsWith("bytes ") && lines.get(1).contains("6000ms"), table);
    ok(faas.run("fn", "delete", "bytes"));
  }

  private static Run ok(Run run) {
    assertEquals(0, run.code(), run::toString);
    return run;
  }

  private static JsonNode json(Run run) throws Exception {
    return JSON.readTree(run.stdout());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
