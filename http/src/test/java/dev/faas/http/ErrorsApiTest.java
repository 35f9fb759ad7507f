package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ProblemAssert.assertProblem;
import static dev.faas.http.ProblemAssert.assertProblemNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.store.StoreException;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.Directives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error is problem+json, never a stack trace or class name; contributed endpoints too. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsApiTest {
  private final ApiFixture api =
      new ApiFixture(
          new HttpSettings(1024, 3),
          List.of(
              Endpoint.open(
                  HttpMethods.GET,
                  "/test/explode",
                  params -> {
                    throw new IllegalStateException("secret internal state at dev.faas.Secret");
                  }),
              Endpoint.open(
                  HttpMethods.GET,
                  "/test/explode-later",
                  params ->
                      Directives.completeWithFuture(
                          CompletableFuture.failedFuture(
                              new NullPointerException("dev.faas.Hidden")))),
              Endpoint.open(
                  HttpMethods.GET,
                  "/test/store-down",
                  params -> {
                    throw new StoreException.Unavailable("nats://10.0.0.1 refused", null);
                  }),
              Endpoint.authenticated(
                  HttpMethods.GET,
                  "/test/whoami/{greeting}",
                  (params, caller) ->
                      Directives.complete(params.get("greeting") + " " + caller.username()))));

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void unknownPathIs404() {
    assertProblem(api.call("GET", "/v1/nothing-here", null, null), 404);
    assertProblem(api.call("GET", "/", null, null), 404);
    assertProblem(api.call("GET", "/v1/functions/", api.newUserToken(), null), 404);
  }

  @Test
  void unsupportedMethodOnAKnownPathIs405WithAllow() {
    HttpResponse<String> response = api.call("PATCH", "/v1/functions/x", null, "{}");
    assertProblem(response, 405);
    assertEquals(
        Set.of("GET", "PUT", "DELETE"),
        Set.of(response.headers().firstValue("Allow").orElse("").split(", ")));
    assertProblem(api.call("DELETE", "/healthz", null, null), 405);
    assertProblem(api.call("GET", "/v1/tokens", null, null), 405);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"username\":}",
        "not json",
        "{\"a\":1}}",
        "[1,2]",
        "\"string\"",
        "{\"username\":\"abc\",\"username\":\"abd\"}"
      })
  void malformedJsonIs400NamingTheProblem(String body) {
    JsonNode problem = assertProblem(api.call("POST", "/v1/users", null, body), 400);
    String detail = problem.get("detail").asText();
    assertEquals(true, detail.contains("JSON") || detail.contains("object"), detail);
  }

  @Test
  void emptyBodyIs400() {
    assertProblemNaming(api.call("POST", "/v1/users", null, ""), 400, "empty");
  }

  @Test
  void bodyOverTheLimitIs413() {
    String big = "{\"username\":\"" + "a".repeat(2000) + "\",\"password\":\"12345678\"}";
    assertProblem(api.call("POST", "/v1/users", null, big), 413);
    assertProblem(api.call("POST", "/v1/functions", api.newUserToken(), big), 413);
  }

  @Test
  void streamedBodyOverTheLimitIs413() {
    byte[] big = ("{\"username\":\"" + "a".repeat(3000) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(api.uri("/v1/users"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();
    assertProblem(api.send(request), 413);
  }

  @Test
  void bodyJustUnderTheLimitIsRead() {
    String padding = " ".repeat(1024 - 60);
    String body =
        "{\"username\":\"" + api.uniqueName("fits") + "\",\"password\":\"12345678\"}" + padding;
    check(
        api.call("POST", "/v1/users", null, body.substring(0, Math.min(body.length(), 1024))), 201);
  }

  @Test
  void unexpectedExceptionIs500WithoutDetails() {
    JsonNode problem = assertProblem(api.call("GET", "/test/explode", null, null), 500);
    assertEquals("the server could not complete the request", problem.get("detail").asText());
    assertProblem(api.call("GET", "/test/explode-later", null, null), 500);
  }

  @Test
  void storeUnavailableIs503() {
    HttpResponse<String> response = api.call("GET", "/test/store-down", null, null);
    JsonNode problem = assertProblem(response, 503);
    assertEquals(false, problem.get("detail").asText().contains("10.0.0.1"));
  }

  @Test
  void storeGoingDownMidRequestIs503() {
    String token = api.newUserToken();
    api.functionStore.kv.unavailable = true;
    try {
      assertProblem(api.createFunction(token, "down", "busybox"), 503);
      assertProblem(api.call("GET", "/v1/functions/down", token, null), 503);
    } finally {
      api.functionStore.kv.unavailable = false;
    }
    check(api.createFunction(token, "down", "busybox"), 201);
  }

  @Test
  void problemHasExactlyTheStandardMembers() {
    JsonNode problem = assertProblem(api.call("GET", "/v1/nothing-here", null, null), 404);
    assertEquals(List.of("type", "title", "status", "detail"), fieldNames(problem));
    assertEquals("about:blank", problem.get("type").asText());
    assertEquals("Not Found", problem.get("title").asText());
  }

  @Test
  void contributedEndpointsAreAuthenticatedAndGetParameters() {
    String name = api.uniqueName("contrib");
    String token = api.userWithToken(name);
    assertEquals("hi " + name, check(api.call("GET", "/test/whoami/hi", token, null), 200).body());
    assertProblem(api.call("GET", "/test/whoami/hi", null, null), 401);
  }

  @Test
  void contributionCollidingWithTheApisOwnIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HttpApi(
                HttpSettings.defaults(),
                api.deps,
                List.of(
                    Endpoint.open(HttpMethods.GET, "/healthz", p -> Directives.complete("x")))));
  }

  @Test
  void contributionsJoinTheTable() {
    int own = new HttpApi(HttpSettings.defaults(), api.deps, List.of()).endpoints().size();
    assertEquals(own + 4, api.api.endpoints().size());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
