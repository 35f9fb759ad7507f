package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.RecordingTracing;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server span of a request (API.md, "Requests and traces"): a child of the caller's {@code
 * traceparent}, named after the route template, and the parent the invoker is handed for the
 * activation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTracesApiTest {
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER = "00-" + CALLER_TRACE + "-00f067aa0ba902b7-01";

  private final FakeInvoker invoker = new FakeInvoker();
  private final RecordingTracing tracing = new RecordingTracing();
  private final ApiFixture api =
      new ApiFixture(
          new HttpSettings(4096, HttpSettings.DEFAULT_UPDATE_ATTEMPTS),
          deps -> HttpApi.invocationEndpoints(deps, invoker, deps.activations()),
          true,
          ApiFixture.quietConfig(),
          PasswordHasher.DEFAULT_MAX_PENDING,
          tracing);
  private String token;

  @AfterAll
  void stop() {
    api.close();
  }

  @BeforeEach
  void user() {
    if (token == null) {
      token = api.newUserToken();
      check(api.createFunction(token, "echo", "faas-test/echo:1"), 201);
    }
    tracing.spans.clear();
    invoker.traces.clear();
  }

  private RecordingTracing.Span invokeSpan() {
    List<RecordingTracing.Span> spans =
        tracing.spans.stream().filter(s -> s.name.endsWith("/invoke")).toList();
    assertEquals(1, spans.size(), spans::toString);
    return spans.get(0);
  }

  @Test
  void aCallersTraceparentIsContinuedAndTheActivationIsAChildOfTheServerSpan() {
    HttpResponse<String> response =
        api.call("POST", "/v1/functions/echo/invoke", token, "x",
            "traceparent", CALLER, "tracestate", "vendor=opaque");
    assertEquals(200, response.statusCode(), response.body());

    RecordingTracing.Span server = invokeSpan();
    assertEquals("POST /v1/functions/{name}/invoke", server.name);
    assertEquals(TraceSpan.Kind.SERVER, server.kind);
    assertEquals(new TraceContext(CALLER, "vendor=opaque"), server.parent);
    assertEquals(CALLER_TRACE, server.traceId);
    assertEquals(200L, server.attributes.get("http.response.status_code"));
    assertTrue(server.ended());
    // The invoker is handed the server span, not the caller's span, as the activation's parent.
    assertEquals(List.of(server.context()), invoker.traces);
  }

  @Test
  void aCallWithoutTraceparentStartsATrace() {
    HttpResponse<String> response = api.call("POST", "/v1/functions/echo/invoke", token, "x");
    assertEquals(200, response.statusCode(), response.body());

    RecordingTracing.Span server = invokeSpan();
    assertFalse(server.parent.present());
    assertEquals(List.of(server.context()), invoker.traces);
  }

  @Test
  void aFailedRequestIsAFailedSpanUnderItsTemplate() {
    HttpResponse<String> response = api.call("POST", "/v1/functions/nope/invoke", token, "x");
    assertEquals(404, response.statusCode(), response.body());

    RecordingTracing.Span server = invokeSpan();
    assertEquals("POST /v1/functions/{name}/invoke", server.name);
    assertEquals(404L, server.attributes.get("http.response.status_code"));
    assertTrue(server.ended());
  }
}
