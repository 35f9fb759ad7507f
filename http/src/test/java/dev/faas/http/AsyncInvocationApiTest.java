package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.outcome.LimitReached;
import dev.faas.actors.outcome.Outcome;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code Prefer: respond-async} over a fake backlog: the 202, the refusals before it, the keys. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncInvocationApiTest {
  private final FakeInvoker invoker = new FakeInvoker();
  private final FakeStore records = new FakeStore();
  private final List<String> keys = new CopyOnWriteArrayList<>();
  private final List<AsyncInvoker.Submission> submissions = new CopyOnWriteArrayList<>();
  private final AtomicReference<RuntimeException> refuse = new AtomicReference<>();
  private final AsyncInvoker async =
      submission -> {
        submissions.add(submission);
        keys.add(String.valueOf(submission.idempotencyKey()));
        RuntimeException r = refuse.get();
        return r != null
            ? CompletableFuture.failedFuture(r)
            : CompletableFuture.completedFuture("abcdefghijklmnopqrstuvwx");
      };
  private final ApiFixture api =
      new ApiFixture(
          new HttpSettings(4096, HttpSettings.DEFAULT_UPDATE_ATTEMPTS),
          deps -> HttpApi.invocationEndpoints(deps, invoker, async, records),
          true);
  private String token;

  @AfterAll
  void stop() {
    api.close();
  }

  @BeforeEach
  void user() {
    token = api.userWithToken(api.uniqueName("asy"));
    check(api.createFunction(token, "echo", "faas-test/echo:1"), 201);
    keys.clear();
    submissions.clear();
    refuse.set(null);
    invoker.calls.clear();
    invoker.answer(
        (fn, input) -> new Outcome.Succeeded(FakeInvoker.record(fn.value(), "act0000001", input)));
  }

  private HttpResponse<String> invoke(String fn, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.uri("/v1/functions/" + fn + "/invoke"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void respondAsyncIs202WithTheIdAndLocationAndNothingRunsNow() throws Exception {
    HttpResponse<String> r = invoke("echo", "x".getBytes(), "Prefer", "wait=5, respond-async");
    assertEquals(202, r.statusCode(), r.body());
    assertEquals("abcdefghijklmnopqrstuvwx", r.headers().firstValue("X-Activation-Id").orElse(""));
    assertEquals("/v1/activations/abcdefghijklmnopqrstuvwx",
        r.headers().firstValue("Location").orElse(""));
    assertTrue(invoker.calls.isEmpty(), "nothing ran synchronously");
    assertEquals(List.of("null"), keys);
  }

  @Test
  void withoutThePreferenceTheCallStaysSynchronous() throws Exception {
    HttpResponse<String> r = invoke("echo", "x".getBytes(), "Prefer", "return=minimal");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(keys.isEmpty());
  }

  @Test
  void aMissingFunctionOrATooLargeParameterIsRefusedBeforeTheBacklogIsAsked() throws Exception {
    assertEquals(404, invoke("nope", "x".getBytes(), "Prefer", "respond-async").statusCode());
    assertEquals(413, invoke("echo", new byte[5000], "Prefer", "respond-async").statusCode());
    assertTrue(keys.isEmpty(), "the backlog was asked: " + keys);
  }

  @Test
  void aFullBacklogIs429NamingWhoseWithRetryAfter() throws Exception {
    refuse.set(new AdmissionRefused.Full(LimitReached.USER));
    HttpResponse<String> user = invoke("echo", "x".getBytes(), "Prefer", "respond-async");
    assertEquals(429, user.statusCode());
    assertTrue(user.body().contains("https://faas.dev/problems/limit-user"), user.body());
    assertTrue(user.headers().firstValue("Retry-After").isPresent());
    assertTrue(user.headers().firstValue("X-Activation-Id").isEmpty());
    refuse.set(new AdmissionRefused.Full(LimitReached.CLUSTER));
    HttpResponse<String> all = invoke("echo", "x".getBytes(), "Prefer", "respond-async");
    assertEquals(429, all.statusCode());
    assertTrue(all.body().contains("https://faas.dev/problems/limit-cluster"), all.body());
  }

  @Test
  void theIdempotencyKeyIsPassedOnAndAnOverlongOneIsRefused() throws Exception {
    assertEquals(202, invoke("echo", "x".getBytes(), "Prefer", "respond-async",
        "Idempotency-Key", "order-42").statusCode());
    assertEquals(List.of("order-42"), keys);
    HttpResponse<String> tooLong =
        invoke("echo", "x".getBytes(), "Prefer", "respond-async", "Idempotency-Key",
            "k".repeat(256));
    assertEquals(400, tooLong.statusCode(), tooLong.body());
  }

  @Test
  void aWaitOutsideZeroToSixtyIsRefused() throws Exception {
    HttpRequest get =
        HttpRequest.newBuilder(api.uri("/v1/activations/abcdefghijklmnopqrstuvwx?wait=61"))
            .header("Authorization", "Bearer " + token)
            .build();
    assertEquals(400, java.net.http.HttpClient.newHttpClient()
        .send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void theCallbackUrlAndTheCallersTraceGoWithTheSubmission() throws Exception {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    HttpResponse<String> r =
        invoke("echo", "x".getBytes(), "Prefer", "respond-async", "X-Callback-Url",
            "https://hooks.example.com/faas?x=1", "traceparent", traceparent);
    assertEquals(202, r.statusCode(), r.body());
    AsyncInvoker.Submission s = submissions.get(0);
    assertEquals("https://hooks.example.com/faas?x=1", s.callbackUrl());
    assertEquals("echo", s.call().function().value().name());
    assertEquals("x", new String(s.call().input()));
  }

  @Test
  void aCallbackOnASynchronousCallIsRefusedAndNothingRuns() throws Exception {
    HttpResponse<String> r =
        invoke("echo", "x".getBytes(), "X-Callback-Url", "https://hooks.example.com/");
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"field\":\"X-Callback-Url\""), r.body());
    assertTrue(invoker.calls.isEmpty(), "it ran: " + invoker.calls);
    assertTrue(submissions.isEmpty());
  }

  @Test
  void aMalformedCallbackUrlIsRefusedBeforeTheBacklogIsAsked() throws Exception {
    for (String bad :
        List.of(
            "ftp://hooks.example.com/",
            "/relative/path",
            "https://user:pw@hooks.example.com/",
            "https://hooks.example.com/#frag",
            "https://hooks.example.com/" + "a".repeat(2100),
            "http://exa mple.com/")) {
      HttpResponse<String> r =
          invoke("echo", "x".getBytes(), "Prefer", "respond-async", "X-Callback-Url", bad);
      assertEquals(400, r.statusCode(), bad + " -> " + r.body());
      assertTrue(r.body().contains("\"field\":\"X-Callback-Url\""), r.body());
    }
    assertTrue(submissions.isEmpty(), "the backlog was asked: " + submissions);
  }

  @Test
  void aCallbackAddressTheNodeRefusesIs400WithTheReason() throws Exception {
    refuse.set(new AsyncInvoker.CallbackRefused("127.0.0.1 is a loopback address"));
    HttpResponse<String> r =
        invoke("echo", "x".getBytes(), "Prefer", "respond-async", "X-Callback-Url",
            "http://127.0.0.1:9/");
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("loopback"), r.body());
    assertTrue(r.body().contains("\"field\":\"X-Callback-Url\""), r.body());
    assertTrue(r.headers().firstValue("X-Activation-Id").isEmpty());
  }
}
