package dev.faas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.FakeApi.Answer;
import dev.faas.cli.FakeApi.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process against a stand-in API: what it sends, prints, keeps and exits with. */
class CliTest {
  private static final String FUNCTION =
      "{\"name\":\"echo\",\"image\":\"busybox:1\",\"status\":\"ready\",\"timeoutMs\":5000,\"memoryMb\":64,"
          + "\"description\":\"\",\"env\":{},\"inputMode\":\"stdin\",\"network\":false,"
          + "\"createdAt\":\"2026-12-03T10:15:30Z\",\"updatedAt\":\"2026-12-03T10:15:30Z\",\"revision\":7}";

  @TempDir Path home;
  private FakeApi api;
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    api = new FakeApi();
    env = Map.of("FAAS_URL", api.url(), "FAAS_TOKEN", "tok");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Run run(String... args) {
    return FakeApi.run(home, env, new byte[0], args);
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageErrorAndSendsNothing() {
    Run unknown = run("fn", "lst");
    assertEquals(ExitCode.USAGE, unknown.code());
    assertTrue(unknown.stderr().contains("Did you mean"), unknown.stderr());
    assertEquals(ExitCode.USAGE, run("fn", "list", "--bogus").code());
    assertEquals(ExitCode.USAGE, run("fn", "create", "echo").code(), "no --image");
    assertEquals(ExitCode.USAGE, run("-o", "xml", "fn", "list").code());
    assertEquals(ExitCode.USAGE, run().code());
    assertEquals(0, api.seen.size());
  }

  @Test
  void globalOptionsGoBeforeOrAfterTheCommand() {
    api.on("GET /v1/functions", Answer.json(200, "{\"functions\":[" + FUNCTION + "]}"));
    Run before = run("-o", "json", "fn", "list");
    Run after = run("fn", "list", "-o", "json");
    assertEquals(0, before.code(), before.stderr());
    assertEquals(before.out(), after.out());
    assertEquals("echo", Json.readOrNull(before.stdout()).path("functions").get(0).path("name").asText());
    assertEquals("Bearer tok", api.seen.get(0).header("Authorization"));
  }

  @Test
  void aTableHasAHeaderAndARowPerItemAndYamlIsTheBody() {
    api.on("GET /v1/functions", Answer.json(200, "{\"functions\":[" + FUNCTION + "]}"));
    Run table = run("fn", "list");
    assertEquals(
        "NAME  IMAGE      STATUS  TIMEOUT  MEMORY  UPDATED\n"
            + "echo  busybox:1  ready   5000ms   64Mi    2026-12-03T10:15:30Z\n",
        table.out());
    Run yaml = run("fn", "list", "-o", "yaml");
    assertTrue(yaml.out().startsWith("functions:\n- name: echo\n"), yaml.out());
  }

  @Test
  void aProblemGoesToStderrWithItsFieldAndRequestIdAndItsExitCode() {
    api.on(
        "POST /v1/functions",
        Answer.json(
            400,
            "{\"type\":\"https://faas.dev/problems/validation\",\"title\":\"Invalid request\",\"status\":400,"
                + "\"detail\":\"field 'memoryMb' must be 16 to 4096\",\"field\":\"memoryMb\"}",
            "X-Request-Id", "req-1"));
    Run bad = run("fn", "create", "echo", "--image", "busybox:1", "--memory", "8");
    assertEquals(ExitCode.INVALID, bad.code());
    assertEquals(0, bad.stdout().length);
    assertTrue(bad.stderr().startsWith("error: Invalid request: field 'memoryMb' must be 16 to 4096 (400 validation)"), bad.stderr());
    assertTrue(bad.stderr().contains("field: memoryMb"), bad.stderr());
    assertTrue(bad.stderr().contains("request id: req-1"), bad.stderr());
    JsonNode sent = Json.readOrNull(api.seen.get(0).body());
    assertEquals(8, sent.path("memoryMb").asInt());
  }

  @Test
  void statusesAndProblemTypesMapToDistinctExitCodes() {
    api.on("GET /v1/functions/gone", Answer.json(404, "{\"title\":\"Not Found\",\"status\":404}"));
    api.on("POST /v1/functions/busy/invoke",
        Answer.json(429, "{\"type\":\"https://faas.dev/problems/limit-user\",\"title\":\"Limit\",\"status\":429}", "Retry-After", "1"));
    api.on("POST /v1/functions/bad/invoke",
        Answer.json(502, "{\"type\":\"https://faas.dev/problems/function-exit\",\"title\":\"The function exited with an error\","
            + "\"status\":502,\"detail\":\"exit 3\",\"activationId\":\"abc12345\",\"exitCode\":3}"));
    api.on("GET /v1/users/me", Answer.json(401, "{\"title\":\"Unauthorized\",\"status\":401}"));
    api.on("GET /v1/keys", Answer.json(503, "{\"type\":\"https://faas.dev/problems/worker-unavailable\",\"status\":503}"));
    assertEquals(ExitCode.NOT_FOUND, run("fn", "get", "gone").code());
    Run busy = run("invoke", "busy");
    assertEquals(ExitCode.LIMIT, busy.code());
    assertTrue(busy.stderr().contains("retry after: 1 s"), busy.stderr());
    Run bad = run("invoke", "bad");
    assertEquals(ExitCode.FUNCTION_FAILED, bad.code());
    assertTrue(bad.stderr().contains("activation: abc12345") && bad.stderr().contains("exit code: 3"), bad.stderr());
    assertEquals(ExitCode.AUTH, run("whoami").code());
    assertEquals(ExitCode.UNAVAILABLE, run("keys", "list").code());
    Run down = FakeApi.run(home, Map.of("FAAS_TOKEN", "t"), new byte[0], "fn", "list", "--url", "http://127.0.0.1:1");
    assertEquals(ExitCode.UNAVAILABLE, down.code(), down.stderr());
  }

  @Test
  void invokeWritesTheResultByteForByteAndNothingElse() throws Exception {
    byte[] result = {'a', 0, (byte) 0xff, '\r', '\n', 'z'};
    api.on("POST /v1/functions/echo/invoke", new Answer(200, Map.of("X-Activation-Id", "a1b2c3d4"), result));
    Run raw = FakeApi.run(home, env, "in\u00e9".getBytes(StandardCharsets.UTF_8), "invoke", "echo", "-");
    assertEquals(0, raw.code(), raw.stderr());
    assertArrayEquals(result, raw.stdout());
    assertEquals("", raw.stderr());
    assertArrayEquals("in\u00e9".getBytes(StandardCharsets.UTF_8), api.seen.get(0).body());
    assertEquals(null, api.seen.get(0).header("Accept"));

    run("invoke", "echo", "--data", "text");
    assertEquals("text", api.seen.get(1).text());
    Path file = home.resolve("parameter");
    java.nio.file.Files.write(file, result);
    assertEquals(0, run("invoke", "echo", "--data", "@" + file).code());
    assertArrayEquals(result, api.seen.get(2).body(), "@file is read by the command, not expanded by the parser");
    assertEquals(ExitCode.USAGE, FakeApi.run(home, env, new byte[0], "invoke", "echo", "-", "--data", "x").code());
  }

  @Test
  void invokeWithJsonAsksForTheRecord() {
    api.on("POST /v1/functions/echo/invoke",
        Answer.json(200, "{\"activationId\":\"a1\",\"status\":\"success\",\"result\":\"hi\"}"));
    Run json = run("invoke", "echo", "-o", "json", "--data", "x");
    assertEquals("application/json", api.seen.get(0).header("Accept"));
    assertEquals("hi", Json.readOrNull(json.stdout()).path("result").asText());
  }

  @Test
  void asyncSendsPreferAndPrintsTheIdOrWaitsForTheRecord() {
    api.on("POST /v1/functions/echo/invoke",
        Answer.json(202, "", "X-Activation-Id", "act12345", "Location", "/v1/activations/act12345"));
    api.on("GET /v1/activations/act12345",
        Answer.json(200, "{\"activationId\":\"act12345\",\"status\":\"failed\",\"error\":\"exit 2\",\"result\":\"partial\"}"));
    Run started = run("invoke", "echo", "--async");
    assertEquals("respond-async", api.seen.get(0).header("Prefer"));
    assertEquals("act12345\n", started.out());
    Run waited = run("invoke", "echo", "--async", "--wait");
    assertEquals(ExitCode.FUNCTION_FAILED, waited.code());
    assertEquals("partial", waited.out());
    assertTrue(api.seen.get(2).path().equals("/v1/activations/act12345?wait=60"), api.seen.get(2).path());
    assertTrue(waited.stderr().contains("exit 2"), waited.stderr());
  }

  @Test
  void aCallbackUrlAndAnIdempotencyKeyGoWithAnAsyncCallOnly() {
    api.on("POST /v1/functions/echo/invoke",
        Answer.json(202, "", "X-Activation-Id", "act12345", "Location", "/v1/activations/act12345"));
    Run started =
        run("invoke", "echo", "--async", "--callback-url", "https://hooks.example.com/x",
            "--idempotency-key", "order-7");
    assertEquals(0, started.code(), started.stderr());
    assertEquals("https://hooks.example.com/x", api.seen.get(0).header("X-Callback-Url"));
    assertEquals("order-7", api.seen.get(0).header("Idempotency-Key"));
    Run sync = run("invoke", "echo", "--callback-url", "https://hooks.example.com/x");
    assertEquals(ExitCode.USAGE, sync.code());
    assertEquals(1, api.seen.size(), "a synchronous call with a callback was sent");
  }

  @Test
  void callbackSecretShowsOrRotatesTheSecret() {
    api.on("GET /v1/users/me/callback-secret",
        Answer.json(200, "{\"secret\":\"whsec_abc\",\"createdAt\":\"2026-12-04T10:00:00Z\","
            + "\"previousSignsUntil\":null}"));
    api.on("POST /v1/users/me/callback-secret",
        Answer.json(200, "{\"secret\":\"whsec_new\",\"createdAt\":\"2026-12-04T11:00:00Z\","
            + "\"previousSignsUntil\":\"2026-12-05T11:00:00Z\"}"));
    Run shown = run("callback-secret");
    assertEquals(0, shown.code(), shown.stderr());
    assertTrue(shown.out().contains("whsec_abc"), shown.out());
    Run rotated = run("callback-secret", "--rotate", "-o", "json");
    assertEquals(0, rotated.code(), rotated.stderr());
    assertTrue(rotated.out().contains("\"secret\" : \"whsec_new\"")
        || rotated.out().contains("\"secret\":\"whsec_new\""), rotated.out());
    assertEquals("POST", api.seen.get(1).method());
  }

  @Test
  void loginKeepsTheTokenInTheProfileReadableByTheUserAlone() throws Exception {
    // An hour from now, whenever the test runs (a fixed date turns into "expired" one day).
    String expiresAt = java.time.Instant.now().plus(java.time.Duration.ofHours(1)).toString();
    api.on("POST /v1/tokens", Answer.json(200,
        "{\"token\":\"t-123\",\"tokenType\":\"Bearer\",\"expiresAt\":\"" + expiresAt + "\"}"));
    api.on("GET /v1/users/me", Answer.json(200, "{\"username\":\"alice\",\"createdAt\":\"2026-12-03T10:15:30Z\","
        + "\"limits\":{\"concurrent\":4,\"functions\":10},\"usage\":{\"concurrent\":0,\"functions\":1}}"));
    Path xdg = home.resolve("xdg");
    Map<String, String> noToken = Map.of("XDG_CONFIG_HOME", xdg.toString());
    Run login = FakeApi.run(home, noToken, "secret-pw\n".getBytes(StandardCharsets.UTF_8),
        "login", "--url", api.url(), "--user", "alice", "--password-stdin", "--profile", "dev");
    assertEquals(0, login.code(), login.stderr());
    assertEquals("{\"username\":\"alice\",\"password\":\"secret-pw\"}", api.seen.get(0).text());
    Path config = xdg.resolve("faas/config");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())));
    assertTrue(Files.readString(config).contains("t-123"));

    Run whoami = FakeApi.run(home, noToken, new byte[0], "whoami");
    assertEquals(0, whoami.code(), whoami.stderr());
    assertEquals("Bearer t-123", api.seen.get(1).header("Authorization"));
    assertTrue(whoami.out().contains("profile:    dev"), whoami.out());
    assertTrue(whoami.out().contains("concurrent: 0 of 4"), whoami.out());

    FakeApi.run(home, noToken, new byte[0], "logout");
    assertFalse(Files.readString(config).contains("t-123"));
    assertEquals(ExitCode.AUTH, FakeApi.run(home, noToken, new byte[0], "whoami").code());
  }

  @Test
  void updateSendsIfMatchFromTheEtagAndKeepsWhatWasNotGiven() {
    api.on("GET /v1/functions/echo", Answer.json(200, FUNCTION, "ETag", "\"7\""));
    api.on("PUT /v1/functions/echo", Answer.json(200, FUNCTION));
    Run update = run("fn", "update", "echo", "--timeout", "2s", "--env", "A=b", "--network");
    assertEquals(0, update.code(), update.stderr());
    FakeApi.Seen put = api.seen.get(1);
    assertEquals("\"7\"", put.header("If-Match"));
    JsonNode body = Json.readOrNull(put.body());
    assertEquals(2000, body.path("timeoutMs").asInt());
    assertEquals(64, body.path("memoryMb").asInt());
    assertEquals("b", body.path("env").path("A").asText());
    assertTrue(body.path("network").asBoolean(), body::toString);
    assertFalse(body.has("revision"));
  }

  @Test
  void completionIsGeneratedFromTheCommandModel() {
    Run bash = run("completion", "bash");
    assertEquals(0, bash.code(), bash.stderr());
    assertTrue(bash.out().contains("complete -F _complete_faas"), "bash");
    assertTrue(bash.out().contains("activations") && bash.out().contains("--max-concurrency"));
    Run zsh = run("completion", "zsh");
    assertTrue(zsh.out().startsWith("#compdef faas"));
    assertTrue(zsh.out().contains("bashcompinit"));
  }

  @Test
  void activationsAreListedWithTheNextPageOnStderrAndLogsFollowedAsEvents() {
    api.on("GET /v1/activations?function=echo&limit=1",
        Answer.json(200, "{\"activations\":[{\"activationId\":\"a1\",\"function\":\"echo\",\"status\":\"success\","
            + "\"startedAt\":\"2026-12-03T10:15:30Z\",\"durationMs\":12}],\"nextCursor\":\"c2\"}"));
    Run list = run("activations", "list", "--function", "echo", "--limit", "1");
    assertEquals(0, list.code(), list.stderr());
    assertEquals("ID  FUNCTION  STATUS   STARTED               DURATION\n"
        + "a1  echo      success  2026-12-03T10:15:30Z  12ms\n", list.out());
    assertTrue(list.stderr().contains("--cursor c2"), list.stderr());

    api.on("GET /v1/activations/a1/logs?follow=true",
        new Answer(200, Map.of("Content-Type", "text/event-stream"),
            "data: first\n\n: ping\n\nevent: log\ndata: second\n\nevent: end\ndata: {}\n\ndata: never\n\n"
                .getBytes(StandardCharsets.UTF_8)));
    Run follow = run("activations", "logs", "a1", "--follow");
    assertEquals(0, follow.code(), follow.stderr());
    assertEquals("first\nsecond\n", follow.out());
    assertEquals("text/event-stream", api.seen.get(1).header("Accept"));

    // A platform without the stream: the record's logs, once it is final.
    api.on("GET /v1/activations/a2", Answer.json(200, "{\"activationId\":\"a2\",\"status\":\"failed\",\"logs\":\"oops\\n\"}"));
    Run fallback = run("activations", "logs", "a2", "--follow");
    assertEquals("oops\n", fallback.out());
    assertEquals(ExitCode.NOT_FOUND, run("activations", "logs", "a3", "--follow").code());
  }

  @Test
  void keysAndRegistriesSendTheContractsBodies() {
    api.on("POST /v1/keys", Answer.json(201, "{\"id\":\"k1\",\"name\":\"ci\",\"scope\":\"invoke\",\"key\":\"fk_k1_secret\"}"));
    api.on("DELETE /v1/keys/k1", new Answer(204, Map.of(), new byte[0]));
    api.on("PUT /v1/registries/ghcr.io", new Answer(204, Map.of(), new byte[0]));
    Run key = run("keys", "create", "ci", "--scope", "invoke", "--function", "echo");
    assertEquals("fk_k1_secret\n", key.out());
    assertTrue(key.stderr().contains("shown this once"), key.stderr());
    JsonNode body = Json.readOrNull(api.seen.get(0).body());
    assertEquals("invoke", body.path("scope").asText());
    assertEquals("echo", body.path("functions").get(0).asText());
    assertEquals(0, run("keys", "revoke", "k1").code());
    assertEquals(ExitCode.USAGE, run("keys", "create", "ci", "--scope", "admin").code());

    Run login = FakeApi.run(home, env, "pw\n".getBytes(StandardCharsets.UTF_8),
        "registries", "login", "ghcr.io", "--username", "bot", "--password-stdin");
    assertEquals(0, login.code(), login.stderr());
    assertEquals("{\"username\":\"bot\",\"password\":\"pw\"}", api.seen.get(2).text());
  }
}
