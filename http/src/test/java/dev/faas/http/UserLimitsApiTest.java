package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code maxConcurrency}, the size cap of {@code env}, functions per user, and the limits on /me. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserLimitsApiTest {
  private static final int PER_USER = 3;
  private static final int FUNCTIONS = 2;

  private final ApiFixture api =
      new ApiFixture(new HttpSettings(256 * 1024, 5, PER_USER, FUNCTIONS), List.of());

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void maxConcurrencyIsOneToTheUserLimitAndShownWhenSet() {
    String token = api.newUserToken();
    JsonNode plain = json(check(api.createFunction(token, "plain", "busybox"), 201));
    assertFalse(plain.has("maxConcurrency"), plain::toString);
    JsonNode limited =
        json(check(create(token, "{\"name\":\"lim\",\"image\":\"busybox\",\"maxConcurrency\":3}"), 201));
    assertEquals(PER_USER, limited.get("maxConcurrency").asInt());
    String other = api.newUserToken();
    for (String bad : List.of("0", "4", "-1", "1.5", "\"2\"")) {
      JsonNode problem =
          assertProblem(
              create(other, "{\"name\":\"bad\",\"image\":\"busybox\",\"maxConcurrency\":" + bad + "}"),
              400);
      assertEquals(ProblemType.VALIDATION.uri(), problem.get("type").asText());
      assertEquals("maxConcurrency", problem.path("field").asText(), problem::toString);
    }
  }

  @Test
  void envUpTo32KiBIsAcceptedAndOneByteMoreIsRefused() {
    String token = api.newUserToken();
    // "A=" plus the value: exactly 32 KiB.
    String full = "x".repeat(32 * 1024 - 2);
    check(create(token, "{\"name\":\"full\",\"image\":\"busybox\",\"env\":{\"A\":\"" + full + "\"}}"), 201);
    JsonNode problem =
        assertProblem(
            create(token, "{\"name\":\"over\",\"image\":\"busybox\",\"env\":{\"A\":\"" + full + "y\"}}"),
            400);
    assertEquals("env", problem.path("field").asText(), problem::toString);
  }

  @Test
  void pastTheFunctionsPerUserACreateIs409LimitFunctionsAndUsersMeShowsLimits() {
    String token = api.newUserToken();
    check(api.createFunction(token, "one", "busybox"), 201);
    check(api.createFunction(token, "two", "busybox"), 201);
    JsonNode problem = assertProblem(api.createFunction(token, "three", "busybox"), 409);
    assertEquals(ProblemType.LIMIT_FUNCTIONS.uri(), problem.get("type").asText());
    // Another user is not counted with this one.
    check(api.createFunction(api.newUserToken(), "three", "busybox"), 201);

    JsonNode me = json(check(api.call("GET", "/v1/users/me", token, null), 200));
    assertEquals(PER_USER, me.path("limits").path("concurrent").asInt(), me::toString);
    assertEquals(FUNCTIONS, me.path("limits").path("functions").asInt(), me::toString);
    assertEquals(0, me.path("usage").path("concurrent").asInt(), me::toString);
    assertEquals(FUNCTIONS, me.path("usage").path("functions").asInt(), me::toString);
  }

  private java.net.http.HttpResponse<String> create(String token, String body) {
    return api.call("POST", "/v1/functions", token, body);
  }
}
