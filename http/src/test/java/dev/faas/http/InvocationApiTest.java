package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The invoke and activation endpoints over a fake invoker: statuses, bodies, ownership. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvocationApiTest {
  private final FakeInvoker invoker = new FakeInvoker();
  private final FakeStore records = new FakeStore();
  private final ApiFixture api =
      new ApiFixture(
          new HttpSettings(4096, HttpSettings.DEFAULT_UPDATE_ATTEMPTS),
          deps -> HttpApi.invocationEndpoints(deps, invoker, records),
          true);
  private String token;
  private String owner;

  @AfterAll
  void stop() {
    api.close();
  }

  @BeforeEach
  void user() {
    owner = api.uniqueName("inv");
    token = api.userWithToken(owner);
    check(api.createFunction(token, "echo", "faas-test/echo:1"), 201);
    invoker.calls.clear();
    invoker.answer(
        (fn, input) -> new Outcome.Succeeded(FakeInvoker.record(fn.value(), "act0000001", input)));
  }

  private HttpResponse<byte[]> invokeBytes(String fn, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.uri("/v1/functions/" + fn + "/invoke"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theBodyGoesInAndStdoutComesOutByteForByte() throws Exception {
    byte[] parameter = "héllo 🌍 \u0301 世界\n\n  ".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> response =
        invokeBytes("echo", parameter, "Content-Type", "application/x-anything");
    assertEquals(200, response.statusCode());
    assertArrayEquals(parameter, response.body(), "no trimming, no re-encoding");
    assertEquals(
        "text/plain; charset=UTF-8", response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("act0000001", response.headers().firstValue("X-Activation-Id").orElseThrow());
    assertArrayEquals(parameter, invoker.calls.get(0).input());
    assertEquals("echo", invoker.calls.get(0).function().value().name());
  }

  @Test
  void anEmptyParameterIsAllowed() throws Exception {
    HttpResponse<byte[]> response = invokeBytes("echo", new byte[0]);
    assertEquals(200, response.statusCode());
    assertEquals(0, invoker.calls.get(0).input().length);
  }

  @Test
  void acceptJsonAnswersTheRecord() throws Exception {
    HttpResponse<byte[]> response =
        invokeBytes("echo", "x".getBytes(StandardCharsets.UTF_8), "Accept", "application/json");
    assertEquals(200, response.statusCode());
    JsonNode record = Json.MAPPER.readTree(response.body());
    assertEquals("act0000001", record.get("activationId").asText());
    assertEquals("echo", record.get("function").asText());
    assertEquals("success", record.get("status").asText());
    assertEquals("x", record.get("result").asText());
    assertEquals("a log line\n", record.get("logs").asText());
    assertEquals(0, record.get("exitCode").asInt());
    assertTrue(record.get("warm").asBoolean());
    assertEquals(38, record.get("timings").get("runMs").asInt());
    assertEquals(7, record.get("preCall").get("cpuMs").asInt());
    assertFalse(record.get("preCall").get("frozen").asBoolean());
    assertEquals("2025-01-01T00:00:01Z", record.get("startedAt").asText());
  }

  @Test
  void anUnknownOrForeignFunctionIs404AndRunsNothing() throws Exception {
    assertEquals(404, invokeBytes("nope", new byte[0]).statusCode());
    String other = api.newUserToken();
    check(api.createFunction(other, "theirs", "busybox"), 201);
    HttpResponse<byte[]> foreign = invokeBytes("theirs", new byte[0]);
    assertEquals(404, foreign.statusCode());
    assertTrue(invoker.calls.isEmpty(), "nothing was invoked");
  }

  @Test
  void aParameterOverTheLimitIs413() throws Exception {
    assertEquals(413, invokeBytes("echo", new byte[5000]).statusCode());
    assertTrue(invoker.calls.isEmpty());
  }

  @Test
  void withoutATokenIs401() {
    HttpResponse<String> response = api.call("POST", "/v1/functions/echo/invoke", null, "x");
    assertProblem(response, 401);
  }

  @ParameterizedTest
  @CsvSource({
    "NON_ZERO_EXIT, 502, non-zero",
    "IMAGE_NOT_FOUND, 502, image",
    "OUT_OF_MEMORY, 502, memory",
    "OUTPUT_TOO_LARGE, 502, output",
    "WORKER_LOST, 503, worker",
    "PLATFORM_ERROR, 503, platform"
  })
  void failuresNameWhatHappened(FailureKind kind, int status, String word) throws Exception {
    Integer exit = kind == FailureKind.NON_ZERO_EXIT ? 3 : null;
    invoker.answer((fn, input) -> new Outcome.Failed("act0000002", kind, exit, null));
    HttpResponse<String> response = api.call("POST", "/v1/functions/echo/invoke", token, "x");
    JsonNode problem = assertProblem(response, status);
    assertEquals("act0000002", problem.get("activationId").asText());
    assertTrue(problem.get("detail").asText().contains(word), problem.toString());
    if (exit != null) {
      assertEquals(3, problem.get("exitCode").asInt());
    } else {
      assertTrue(problem.get("exitCode") == null, "no exit code where there was none");
    }
  }

  @Test
  void aTimeoutIs504() {
    invoker.answer((fn, input) -> new Outcome.TimedOut("act0000003", null));
    JsonNode problem =
        assertProblem(api.call("POST", "/v1/functions/echo/invoke", token, "x"), 504);
    assertEquals("act0000003", problem.get("activationId").asText());
  }

  @Test
  void theLimitIs429WithRetryAfter() {
    invoker.answer((fn, input) -> new Outcome.Rejected("act0000004"));
    HttpResponse<String> response = api.call("POST", "/v1/functions/echo/invoke", token, "x");
    assertProblem(response, 429);
    assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void noWorkerIs503() {
    invoker.answer(
        (fn, input) -> new Outcome.Unavailable("act0000005", "no worker is running"));
    HttpResponse<String> response = api.call("POST", "/v1/functions/echo/invoke", token, "x");
    JsonNode problem = assertProblem(response, 503);
    assertEquals("no worker is running", problem.get("detail").asText());
  }

  private ActivationRecord stored(String owner, String id, String function, int second) {
    return new ActivationRecord(
        id, owner, function, ActivationStatus.FAILED, FailureKind.NON_ZERO_EXIT, 1,
        "out".getBytes(StandardCharsets.UTF_8), "err", true,
        Instant.parse("2025-01-01T00:00:00Z").plusSeconds(second), 10, "w", false, 1, 2, 3);
  }

  @Test
  void recordsAreTheOwnersOnly() {
    records.put(stored(api.idOf(owner), "mine0000001", "echo", 1));
    records.put(stored("50e00000-0000-4000-8000-000000000001", "theirs00001", "echo", 2));
    JsonNode mine = json(check(api.call("GET", "/v1/activations/mine0000001", token, null), 200));
    assertEquals("failed", mine.get("status").asText());
    assertEquals("the function exited with a non-zero code", mine.get("error").asText());
    assertTrue(mine.get("logsTruncated").asBoolean());
    assertTrue(mine.get("preCall").isNull(), "nothing known before the call");
    assertProblem(api.call("GET", "/v1/activations/theirs00001", token, null), 404);
    assertProblem(api.call("GET", "/v1/activations/NOT-AN-ID", token, null), 404);
  }

  @Test
  void theListIsNewestFirstFilteredAndLimited() {
    records.put(stored(api.idOf(owner), "list0000001", "echo", 1));
    records.put(stored(api.idOf(owner), "list0000002", "other", 2));
    records.put(stored(api.idOf(owner), "list0000003", "echo", 3));
    JsonNode page = json(check(api.call("GET", "/v1/activations", token, null), 200));
    JsonNode all = page.get("activations");
    assertEquals(
        List.of("list0000003", "list0000002", "list0000001"),
        List.of(all.get(0).get("activationId").asText(), all.get(1).get("activationId").asText(),
            all.get(2).get("activationId").asText()));
    assertFalse(page.has("nextCursor"), "no cursor on the last page");
    JsonNode echo =
        json(check(api.call("GET", "/v1/activations?function=echo&limit=1", token, null), 200))
            .get("activations");
    assertEquals(1, echo.size());
    assertEquals("list0000003", echo.get(0).get("activationId").asText());
  }

  @Test
  void theListCarriesNoResultNorLogsAndPagesWithACursor() {
    records.put(stored(api.idOf(owner), "page0000001", "echo", 1));
    records.put(stored(api.idOf(owner), "page0000002", "echo", 2));
    records.put(stored(api.idOf(owner), "page0000003", "echo", 3));
    JsonNode first = json(check(api.call("GET", "/v1/activations?limit=2", token, null), 200));
    assertEquals(2, first.get("activations").size());
    JsonNode listed = first.get("activations").get(0);
    assertFalse(listed.has("result"), listed::toString);
    assertFalse(listed.has("logs"), listed::toString);
    assertEquals("failed", listed.get("status").asText());
    assertEquals(1, listed.get("exitCode").asInt());
    assertEquals(3, listed.get("timings").get("runMs").asLong());
    String cursor = first.get("nextCursor").asText();

    JsonNode second =
        json(check(api.call("GET", "/v1/activations?limit=2&cursor=" + cursor, token, null), 200));
    assertEquals(1, second.get("activations").size());
    assertEquals("page0000001", second.get("activations").get(0).get("activationId").asText());
    assertFalse(second.has("nextCursor"));
  }

  @Test
  void listParametersOutOfRangeAre400NamingTheField() {
    for (String[] bad :
        new String[][] {
          {"limit=0", "limit"}, {"limit=201", "limit"}, {"limit=abc", "limit"},
          {"limit=-1", "limit"}, {"function=Bad.Name", "function"}, {"cursor=nope", "cursor"},
          {"cursor=" + "x".repeat(300), "cursor"}
        }) {
      JsonNode problem =
          assertProblem(api.call("GET", "/v1/activations?" + bad[0], token, null), 400);
      assertEquals(ProblemType.BASE + "validation", problem.get("type").asText(), bad[0]);
      assertEquals(bad[1], problem.get("field").asText(), bad[0]);
    }
    check(api.call("GET", "/v1/activations?limit=200", token, null), 200);
    check(api.call("GET", "/v1/activations?limit=1", token, null), 200);
  }
}
