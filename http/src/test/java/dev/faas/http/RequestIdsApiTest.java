package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * {@code X-Request-Id} (API.md, "Requests and traces"): on every response, the caller's when sane
 * and a fresh one otherwise, passed to the invoker, and in the MDC of what is logged about the
 * request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestIdsApiTest {
  private static final String HEADER = "X-Request-Id";

  private final FakeInvoker invoker = new FakeInvoker();
  private final ApiFixture api =
      new ApiFixture(
          new HttpSettings(4096, HttpSettings.DEFAULT_UPDATE_ATTEMPTS),
          deps -> HttpApi.invocationEndpoints(deps, invoker, deps.activations()),
          true);
  private final Captured logs = new Captured();
  // The logger of unexpected failures, which the test configuration silences: heard here alone.
  private final Logger failures = (Logger) LoggerFactory.getLogger(Responses.class);
  private final Level failuresLevel = failures.getLevel();
  private final boolean failuresAdditive = failures.isAdditive();

  @AfterAll
  void stop() {
    failures.detachAppender(logs);
    failures.setLevel(failuresLevel);
    failures.setAdditive(failuresAdditive);
    api.close();
  }

  @BeforeEach
  void capture() {
    logs.events.clear();
    if (!logs.isStarted()) {
      logs.start();
      failures.setLevel(Level.ERROR);
      failures.setAdditive(false);
      failures.addAppender(logs);
    }
  }

  private static String idOf(HttpResponse<?> response) {
    return response.headers().firstValue(HEADER).orElse(null);
  }

  @Test
  void aSaneCallerIdIsEchoed() {
    String sane = "Abc-1.2:3_" + "x".repeat(100);
    HttpResponse<String> response = api.call("GET", "/healthz", null, null, HEADER, sane);
    assertEquals(200, response.statusCode());
    assertEquals(sane, idOf(response));
    assertEquals(List.of(sane), response.headers().allValues(HEADER));
  }

  @Test
  void anInsaneCallerIdIsReplacedNeverEchoed() {
    for (String insane :
        List.of("has space", "<script>", "x".repeat(129), "semi;colon", "ünïcode", "a/b")) {
      HttpResponse<String> response = api.call("GET", "/healthz", null, null, HEADER, insane);
      String id = idOf(response);
      assertTrue(RequestIds.isSane(id), "a sane id for " + insane + ": " + id);
      assertNotEquals(insane, id);
      assertTrue(!response.body().contains(insane), "not in the body: " + insane);
    }
  }

  @Test
  void aFreshIdWhenNoneIsSent() {
    String first = idOf(api.call("GET", "/healthz", null, null));
    String second = idOf(api.call("GET", "/healthz", null, null));
    assertTrue(RequestIds.isSane(first), first);
    assertTrue(RequestIds.isSane(second), second);
    assertNotEquals(first, second);
  }

  @Test
  void errorsCarryTheIdToo() {
    HttpResponse<String> notFound = api.call("GET", "/v1/nothing-here", null, null, HEADER, "r-404");
    assertEquals(404, notFound.statusCode());
    assertEquals("r-404", idOf(notFound));

    HttpResponse<String> badJson = api.call("POST", "/v1/users", null, "{not json", HEADER, "r-400");
    assertEquals(400, badJson.statusCode());
    assertTrue(
        notFound.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
    assertEquals("r-400", idOf(badJson));

    HttpResponse<String> noToken = api.call("GET", "/v1/functions", null, null, HEADER, "r-401");
    assertEquals(401, noToken.statusCode());
    assertEquals("r-401", idOf(noToken));

    HttpResponse<String> wrongMethod = api.call("DELETE", "/healthz", null, null);
    assertTrue(RequestIds.isSane(idOf(wrongMethod)), "on a rejection: " + wrongMethod.statusCode());
  }

  @Test
  void theInvokerGetsTheId() {
    String token = api.newUserToken();
    check(api.createFunction(token, "echo", "faas-test/echo:1"), 201);
    invoker.requestIds.clear();
    HttpResponse<String> response =
        api.call("POST", "/v1/functions/echo/invoke", token, "x", HEADER, "inv-1");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("inv-1", idOf(response));
    assertEquals(List.of("inv-1"), invoker.requestIds);
  }

  @Test
  void theRecordShowsTheRequestIdOfTheCallThatStartedIt() {
    String username = api.uniqueName("rec");
    String token = api.userWithToken(username);
    String owner = api.idOf(username);
    dev.faas.actors.activation.ActivationRecord r =
        FakeInvoker.record(
            new dev.faas.actors.model.FunctionSpec(
                owner, "echo", "faas-test/echo:1", 1000, 128, "", java.util.Map.of(),
                dev.faas.actors.model.InputMode.ARG, false,
                java.time.Instant.EPOCH, java.time.Instant.EPOCH),
            "withreq0001",
            new byte[0]);
    api.activations.preload(
        new dev.faas.actors.activation.ActivationRecord(
            r.activationId(), r.owner(), r.function(), r.status(), r.failure(), r.exitCode(),
            r.result(), r.logs(), r.logsTruncated(), r.startedAt(), r.durationMs(), r.worker(),
            r.warm(), r.queuedMs(), r.acquireMs(), r.runMs(), r.preCallCpuMs(),
            r.preCallFrozen(), null, "rec-req-1", null));
    HttpResponse<String> response = api.call("GET", "/v1/activations/withreq0001", token, null);
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("\"requestId\":\"rec-req-1\""), response.body());
  }

  @Test
  void aLineLoggedWhileServingARequestCarriesItsId() {
    String token = api.newUserToken();
    check(api.createFunction(token, "boom", "faas-test/echo:1"), 201);
    invoker.answer(
        (fn, input) -> {
          throw new IllegalStateException("the engine broke");
        });
    List<String> sent = new java.util.ArrayList<>();
    try {
      // Several, so that a body that arrives after the headers (read on another thread) is met.
      for (int i = 0; i < 20; i++) {
        String id = "log-req-" + i;
        sent.add(id);
        HttpResponse<String> response =
            api.call("POST", "/v1/functions/boom/invoke", token, "x".repeat(i * 100), HEADER, id);
        assertEquals(500, response.statusCode());
        assertEquals(id, idOf(response));
      }
    } finally {
      invoker.answer(
          (fn, input) ->
              new dev.faas.actors.outcome.Outcome.Succeeded(
                  FakeInvoker.record(fn.value(), "act0000001", input)));
    }
    List<String> logged =
        logs.events.stream()
            .filter(e -> e.getFormattedMessage().contains("Request failed unexpectedly"))
            .map(e -> e.getMDCPropertyMap().get(RequestIds.MDC_KEY))
            .toList();
    assertEquals(sent, logged, "each failure logged once, with its request's id");
  }

  /** Every event, kept as it is logged. */
  private static final class Captured extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      // The MDC is read lazily: read it now, on the thread that logged.
      event.prepareForDeferredProcessing();
      events.add(event);
    }
  }
}
