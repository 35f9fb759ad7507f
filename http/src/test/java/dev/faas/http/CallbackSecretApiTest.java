package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code /v1/users/me/callback-secret} (docs/decisions/0026). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackSecretApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/v1/users/me/callback-secret";
  private final ApiFixture api = new ApiFixture();

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void theSecretIsMadeOnFirstReadAndStaysTheSame() throws Exception {
    String token = api.userWithToken(api.uniqueName("cbs"));
    JsonNode first = json(check(api.call("GET", PATH, token, null), 200));
    JsonNode again = json(check(api.call("GET", PATH, token, null), 200));
    assertTrue(first.get("secret").asText().startsWith("whsec_"), first.toString());
    assertEquals(first.get("secret"), again.get("secret"));
    assertTrue(first.get("previousSignsUntil").isNull(), first.toString());
  }

  @Test
  void rotatingGivesANewSecretAndTheOldOneSignsForADay() throws Exception {
    String token = api.userWithToken(api.uniqueName("cbs"));
    String old = json(check(api.call("GET", PATH, token, null), 200)).get("secret").asText();
    JsonNode rotated = json(check(api.call("POST", PATH, token, null), 200));
    assertNotEquals(old, rotated.get("secret").asText());
    assertFalse(rotated.get("previousSignsUntil").isNull(), rotated.toString());
    assertEquals(
        rotated.get("secret"), json(check(api.call("GET", PATH, token, null), 200)).get("secret"));
  }

  @Test
  void usersHaveSecretsOfTheirOwn() throws Exception {
    String a = api.userWithToken(api.uniqueName("cbs"));
    String b = api.userWithToken(api.uniqueName("cbs"));
    assertNotEquals(
        json(check(api.call("GET", PATH, a, null), 200)).get("secret"),
        json(check(api.call("GET", PATH, b, null), 200)).get("secret"));
  }

  @Test
  void anApiKeyMayNeitherReadNorRotateIt() throws Exception {
    String token = api.userWithToken(api.uniqueName("cbs"));
    String key =
        json(check(api.call("POST", "/v1/keys", token, "{\"name\":\"ci\",\"scope\":\"manage\"}"),
                201))
            .get("key")
            .asText();
    assertEquals(403, api.call("GET", PATH, key, null).statusCode());
    assertEquals(403, api.call("POST", PATH, key, null).statusCode());
  }

  @Test
  void withoutAuthenticationItIs401() {
    assertEquals(401, api.call("GET", PATH, null, null).statusCode());
  }

  @Test
  void deletingTheUserDeletesTheSecret() throws Exception {
    String name = api.uniqueName("cbs");
    String token = api.userWithToken(name);
    check(api.call("GET", PATH, token, null), 200);
    String id =
        check(api.call("GET", "/v1/auth/verify", token, null), 200)
            .headers()
            .firstValue("X-User-Id")
            .orElseThrow();
    assertTrue(api.callbackSecrets.has(id));
    check(api.call("DELETE", "/v1/users/me", token, null), 204);
    assertFalse(api.callbackSecrets.has(id), "the secret outlived its user");
  }
}
