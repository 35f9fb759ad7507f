package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.User;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysApiTest {
  private final ApiFixture api = new ApiFixture(HttpSettings.defaults(), List.of());

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void theKeyIsShownOnceAndOnlyItsHashIsStored() {
    String token = api.newUserToken();
    JsonNode created = json(check(create(token, "{\"name\":\"ci\",\"scope\":\"manage\"}"), 201));
    String key = created.get("key").asText();
    String id = created.get("id").asText();
    assertTrue(key.startsWith("fk_" + id + "_"), key);

    HttpResponse<String> listed = check(api.call("GET", "/v1/keys", token, null), 200);
    assertFalse(listed.body().contains(key.substring(key.indexOf('_', 3) + 1)), listed.body());
    JsonNode entry = json(listed).get("keys").get(0);
    assertFalse(entry.has("key"));
    assertTrue(entry.get("lastUsedAt").isNull());
    String stored =
        api.keyStore.find(id).toCompletableFuture().join().orElseThrow().value().secretHash();
    assertFalse(key.contains(stored));
    assertEquals(KeySecrets.hash(key.substring(key.indexOf('_', 3) + 1)), stored);
  }

  @Test
  void aWrongSecretOrAMalformedKeyIs401() {
    String token = api.newUserToken();
    String key = keyOf(token, "{\"name\":\"ci\",\"scope\":\"manage\"}");
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    String wrong = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertProblem(api.call("GET", "/v1/auth/verify", wrong, null), 401);
    assertProblem(api.call("GET", "/v1/auth/verify", "fk_123_abc", null), 401);
    assertProblem(
        api.call("GET", "/v1/auth/verify", "fk_00000000000000000000_" + "a".repeat(43), null),
        401);
  }

  @Test
  void anExpiredKeyIs401() {
    String token = api.newUserToken();
    Instant expiresAt = api.clock.instant().plus(Duration.ofMinutes(5));
    String key =
        keyOf(token, "{\"name\":\"ci\",\"scope\":\"manage\",\"expiresAt\":\"" + expiresAt + "\"}");
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    api.clock.advance(Duration.ofMinutes(5));
    assertProblem(api.call("GET", "/v1/auth/verify", key, null), 401);
  }

  @Test
  void lastUsedAtIsWrittenAtMostOnceAMinute() {
    String token = api.newUserToken();
    String key = keyOf(token, "{\"name\":\"ci\",\"scope\":\"manage\"}");
    Instant first = api.clock.instant();
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    assertEquals(first.toString(), lastUsedAt(token));
    api.clock.advance(Duration.ofSeconds(30));
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    assertEquals(first.toString(), lastUsedAt(token));
    api.clock.advance(Duration.ofSeconds(31));
    Instant later = api.clock.instant();
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    assertEquals(later.toString(), lastUsedAt(token));
  }

  @Test
  void aUserRevokesOnlyTheirOwnKeysAndARevokedKeyIs401() {
    String owner = api.newUserToken();
    String other = api.newUserToken();
    JsonNode created = json(check(create(owner, "{\"name\":\"ci\",\"scope\":\"manage\"}"), 201));
    String key = created.get("key").asText();
    String path = "/v1/keys/" + created.get("id").asText();

    assertProblem(api.call("DELETE", path, other, null), 404);
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    check(api.call("DELETE", path, owner, null), 204);
    assertProblem(api.call("GET", "/v1/auth/verify", key, null), 401);
    assertProblem(api.call("DELETE", path, owner, null), 404);
    assertProblem(api.call("DELETE", "/v1/keys/not-an-id", owner, null), 404);
  }

  @Test
  void aRevokeSeenThroughTheWatchIsRefusedWithoutAskingTheStore() {
    String token = api.newUserToken();
    JsonNode created = json(check(create(token, "{\"name\":\"ci\",\"scope\":\"manage\"}"), 201));
    String key = created.get("key").asText();
    String id = created.get("id").asText();
    check(api.call("GET", "/v1/auth/verify", key, null), 200);
    // Revoked through another node: here only the watch's delete arrives; the store this node
    // would read through still has it, and must not be asked.
    api.keys.removed(id, Long.MAX_VALUE);
    assertProblem(api.call("GET", "/v1/auth/verify", key, null), 401);
  }

  @Test
  void aKeyMadeOnAnotherNodeIsReadThroughBeforeItsWatchEventArrives() {
    String name = api.uniqueName("elsewhere");
    api.userWithToken(name);
    User user = api.users.get(name).orElseThrow().value();
    KeySecrets.Fresh fresh = KeySecrets.generate();
    // Written to the store only, as by another node whose watch event has not arrived here.
    api.keyStore
        .create(
            new ApiKey(
                fresh.id(), user.userId(), name, "ci", ApiKey.Scope.MANAGE, List.of(),
                api.clock.instant(), null, fresh.secretHash(), null))
        .toCompletableFuture()
        .join();
    HttpResponse<String> verified = check(api.call("GET", "/v1/auth/verify", fresh.key(), null), 200);
    assertEquals(name, verified.headers().firstValue("X-User").orElseThrow());
  }

  @Test
  void theKeysOfADeletedUserAreGone() {
    String name = api.uniqueName("keyed");
    String token = api.userWithToken(name);
    String key = keyOf(token, "{\"name\":\"ci\",\"scope\":\"manage\"}");
    String userId = api.users.get(name).orElseThrow().value().userId();
    assertEquals(1, api.keyStore.list(userId).toCompletableFuture().join().size());
    check(api.call("DELETE", "/v1/users/me", token, null), 204);
    assertProblem(api.call("GET", "/v1/auth/verify", key, null), 401);
    assertEquals(List.of(), api.keyStore.list(userId).toCompletableFuture().join());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"scope\":\"manage\"}",
        "{\"name\":\"\",\"scope\":\"manage\"}",
        "{\"name\":\"ci\"}",
        "{\"name\":\"ci\",\"scope\":\"admin\"}",
        "{\"name\":\"ci\",\"scope\":\"manage\",\"functions\":[\"echo\"]}",
        "{\"name\":\"ci\",\"scope\":\"invoke\",\"functions\":[\"Not.A.Name\"]}",
        "{\"name\":\"ci\",\"scope\":\"invoke\",\"functions\":\"echo\"}",
        "{\"name\":\"ci\",\"scope\":\"invoke\",\"expiresAt\":\"tomorrow\"}",
        "{\"name\":\"ci\",\"scope\":\"invoke\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
        "{\"name\":\"ci\",\"scope\":\"invoke\",\"key\":\"fk_mine\"}"
      })
  void anInvalidRequestIs400NamingTheField(String body) {
    JsonNode problem = assertProblem(create(api.newUserToken(), body), 400);
    assertEquals(ProblemType.VALIDATION.uri(), problem.get("type").asText());
    assertTrue(problem.get("detail").asText().contains("'"), problem.toString());
  }

  @Test
  void aKeyCannotMakeKeysAndTheRefusalIsInsufficientScope() {
    String token = api.newUserToken();
    String key = keyOf(token, "{\"name\":\"ci\",\"scope\":\"manage\"}");
    JsonNode problem = assertProblem(create(key, "{\"name\":\"more\",\"scope\":\"manage\"}"), 403);
    assertEquals(ProblemType.INSUFFICIENT_SCOPE.uri(), problem.get("type").asText());
  }

  private HttpResponse<String> create(String bearer, String body) {
    return api.call("POST", "/v1/keys", bearer, body);
  }

  private String keyOf(String token, String body) {
    return json(check(create(token, body), 201)).get("key").asText();
  }

  private String lastUsedAt(String token) {
    return json(check(api.call("GET", "/v1/keys", token, null), 200))
        .get("keys")
        .get(0)
        .get("lastUsedAt")
        .asText();
  }
}
