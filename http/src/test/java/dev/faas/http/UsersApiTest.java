package dev.faas.http;

import static dev.faas.http.ApiFixture.PASSWORD;
import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static dev.faas.http.ProblemAssert.assertProblemNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.model.User;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersApiTest {
  private final ApiFixture api = new ApiFixture();

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void registerAnswers201WithTheUser() {
    String name = api.uniqueName("reg");
    HttpResponse<String> response = check(api.register(name, PASSWORD), 201);
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = json(response);
    assertEquals(name, body.get("username").asText());
    assertEquals(ApiFixture.START.toString(), body.get("createdAt").asText());
    assertEquals(2, body.size(), "only username and createdAt: " + body);
    assertFalse(response.body().contains("argon"), "no hash leaves the server");
  }

  @Test
  void takenUsernameIs409() {
    String name = api.uniqueName("taken");
    check(api.register(name, PASSWORD), 201);
    assertProblem(api.register(name, "another password"), 409);
  }

  @Test
  void takenInTheStoreButNotYetInThisNodesCacheIs409() {
    String name = api.uniqueName("elsewhere");
    api.userStore.kv.put(name, new User(name, "x", "0e000000-0000-4000-8000-000000000001", ApiFixture.START));
    assertProblem(api.register(name, PASSWORD), 409);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "a_b-c", "z12", "abcdefghijklmnopqrstuvwxyz012345"})
  void validUsernamesAreAccepted(String username) {
    // Fresh fixture names would not test these exact strings; each is registered once per run.
    check(api.register(username, PASSWORD), 201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ab",
        "Abc",
        "1abc",
        "-abc",
        "_abc",
        "a.bc",
        "ab c",
        "abcdefghijklmnopqrstuvwxyz0123456",
        "ABC",
        "é-abc",
        ""
      })
  void invalidUsernamesAre400NamingTheField(String username) {
    assertProblemNaming(api.register(username, PASSWORD), 400, "username");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 129, 300})
  void passwordsOutside8To128Are400(int length) {
    assertProblemNaming(api.register(api.uniqueName("pw"), "p".repeat(length)), 400, "password");
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 128})
  void passwordsAt8And128Are201(int length) {
    check(api.register(api.uniqueName("pw"), "p".repeat(length)), 201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"username\":\"abc\"}",
        "{\"password\":\"abcdefgh\"}",
        "{\"username\":1,\"password\":\"abcdefgh\"}",
        "{\"username\":\"abc\",\"password\":[]}",
        "{\"username\":\"abc\",\"password\":\"abcdefgh\",\"admin\":true}"
      })
  void malformedCredentialsAre400(String body) {
    assertProblem(api.call("POST", "/v1/users", null, body), 400);
    assertProblem(api.call("POST", "/v1/tokens", null, body), 400);
  }

  @Test
  void loginAnswersABearerToken() {
    String name = api.uniqueName("login");
    check(api.register(name, PASSWORD), 201);
    JsonNode body = json(check(api.login(name, PASSWORD), 200));
    assertEquals("Bearer", body.get("tokenType").asText());
    assertEquals(
        ApiFixture.START.plus(Duration.ofHours(1)), Instant.parse(body.get("expiresAt").asText()));
    assertEquals(name, api.tokens.verify(body.get("token").asText()).orElseThrow().username());
  }

  @Test
  void unknownUserAndWrongPasswordGetTheSame401() {
    String name = api.uniqueName("same");
    check(api.register(name, PASSWORD), 201);
    HttpResponse<String> wrongPassword = api.login(name, "wrong password");
    HttpResponse<String> unknownUser = api.login(api.uniqueName("ghost"), PASSWORD);
    assertProblem(wrongPassword, 401);
    assertProblem(unknownUser, 401);
    assertEquals(wrongPassword.body(), unknownUser.body());
    assertEquals(
        wrongPassword.headers().firstValue("WWW-Authenticate"),
        unknownUser.headers().firstValue("WWW-Authenticate"));
  }

  @Test
  void meAnswersTheCaller() {
    String name = api.uniqueName("me");
    String token = api.userWithToken(name);
    JsonNode body = json(check(api.call("GET", "/v1/users/me", token, null), 200));
    assertEquals(name, body.get("username").asText());
    assertTrue(body.has("createdAt"));
  }

  @Test
  void missingTokenIs401WithAPlainChallenge() {
    HttpResponse<String> response = api.call("GET", "/v1/users/me", null, null);
    assertProblem(response, 401);
    assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(""));
  }

  @Test
  void otherSchemeIs401WithAPlainChallenge() {
    HttpResponse<String> response =
        api.call("GET", "/v1/users/me", null, null, "Authorization", "Basic YWxpY2U6c2VjcmV0");
    assertProblem(response, 401);
    assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "Bearer ", "Bearer a b", "Bearer not-a-jwt", "bearer x.y.z"})
  void malformedBearerIs401InvalidToken(String header) {
    HttpResponse<String> response =
        api.call("GET", "/v1/users/me", null, null, "Authorization", header);
    assertProblem(response, 401);
    assertEquals(
        "Bearer error=\"invalid_token\"",
        response.headers().firstValue("WWW-Authenticate").orElse(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"%s,", "%s;", "\"%s\"", "%s!", "%s=x"})
  void aRealTokenWithStrayCharactersIs401(String shape) {
    // Only RFC 6750's b64token is a bearer token: the JWT decoder would skip some of these.
    String header = "Bearer " + shape.formatted(api.newUserToken());
    HttpResponse<String> response =
        api.call("GET", "/v1/users/me", null, null, "Authorization", header);
    assertProblem(response, 401);
  }

  @Test
  void schemeIsCaseInsensitive() {
    String token = api.newUserToken();
    check(api.call("GET", "/v1/users/me", null, null, "Authorization", "bearer " + token), 200);
  }

  @Test
  void tamperedTokenIs401() {
    String token = api.newUserToken();
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    HttpResponse<String> response = api.call("GET", "/v1/users/me", tampered, null);
    assertProblem(response, 401);
    assertTrue(
        response.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
  }

  @Test
  void expiredTokenIs401() {
    TokenService shortLived = new TokenService(api.signingKey, api.clock, Duration.ofMinutes(1));
    String name = api.uniqueName("expiry");
    check(api.register(name, PASSWORD), 201);
    String token = shortLived.issue(api.users.get(name).orElseThrow().value()).token();
    check(api.call("GET", "/v1/users/me", token, null), 200);
    api.clock.advance(Duration.ofMinutes(1).plus(TokenService.CLOCK_SKEW).plusSeconds(1));
    try {
      assertProblem(api.call("GET", "/v1/users/me", token, null), 401);
    } finally {
      api.clock.advance(
          Duration.ofMinutes(1).plus(TokenService.CLOCK_SKEW).plusSeconds(1).negated());
    }
  }

  @Test
  void verifyAnswers200EmptyWithXUser() {
    String name = api.uniqueName("verify");
    String token = api.userWithToken(name);
    HttpResponse<String> response = api.call("GET", "/v1/auth/verify", token, null);
    check(response, 200);
    assertEquals("", response.body());
    assertEquals(name, response.headers().firstValue("X-User").orElse(""));
  }

  @Test
  void verifyWithoutTokenIs401AndIgnoresAnXUserHeader() {
    HttpResponse<String> response =
        api.call("GET", "/v1/auth/verify", null, null, "X-User", "admin");
    assertProblem(response, 401);
    assertTrue(response.headers().firstValue("X-User").isEmpty());
  }

  @Test
  void deleteMeRemovesTheUserItsFunctionsAndEndsItsTokens() {
    String name = api.uniqueName("leaving");
    String token = api.userWithToken(name);
    String otherToken = api.newUserToken();
    check(api.createFunction(token, "one", "busybox"), 201);
    check(api.createFunction(token, "two", "busybox"), 201);
    check(api.createFunction(otherToken, "one", "busybox"), 201);

    check(api.call("DELETE", "/v1/users/me", token, null), 204);

    assertTrue(api.functionStore.kv.withPrefix(name + ".").isEmpty(), "functions deleted");
    assertTrue(api.userStore.kv.get(name).isEmpty(), "user deleted");
    assertProblem(api.call("GET", "/v1/users/me", token, null), 401);
    assertProblem(api.call("GET", "/v1/functions", token, null), 401);
    assertProblem(api.call("GET", "/v1/auth/verify", token, null), 401);
    assertProblem(api.login(name, PASSWORD), 401);
    check(api.call("GET", "/v1/functions/one", otherToken, null), 200);
  }

  @Test
  void reregisteredUsersOldTokenIsRefused() {
    String name = api.uniqueName("again");
    String oldToken = api.userWithToken(name);
    check(api.call("DELETE", "/v1/users/me", oldToken, null), 204);
    String newToken = api.userWithToken(name);
    assertProblem(api.call("GET", "/v1/users/me", oldToken, null), 401);
    check(api.call("GET", "/v1/users/me", newToken, null), 200);
  }

  @Test
  void userRegisteredOnAnotherNodeCanLogInAtOnce() {
    // Written to the store directly, as another node would; this node's watch has not seen it.
    String name = api.uniqueName("remote");
    String hash = api.deps.passwordHasher().hash(PASSWORD).toCompletableFuture().join();
    api.userStore.kv.put(name, new User(name, hash, "0e000000-0000-4000-8000-000000000002", ApiFixture.START));
    String token = json(check(api.login(name, PASSWORD), 200)).get("token").asText();
    check(api.call("GET", "/v1/users/me", token, null), 200);
  }

  @Test
  void deleteMeWithoutTokenIs401() {
    assertProblem(api.call("DELETE", "/v1/users/me", null, null), 401);
  }
}
