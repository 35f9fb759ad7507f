package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static dev.faas.http.ProblemAssert.assertProblemNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.image.RegistryLogin;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistriesApiTest {
  private static final String PASSWORD = "registry-pa55word";

  // The default body limit, not the small test one: a 4096-character password must fit.
  private final ApiFixture api =
      new ApiFixture(HttpSettings.defaults(), List.of());

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void putStoresTheCredentialsAndAnswers204WithoutABody() {
    String name = api.uniqueName("reg");
    String token = api.userWithToken(name);

    HttpResponse<String> response = put(token, "registry.example:5000", "ci-bot", PASSWORD);

    assertEquals(204, response.statusCode(), response.body());
    assertEquals("", response.body());
    assertEquals(
        Optional.of(new RegistryLogin("registry.example:5000", "ci-bot", PASSWORD)),
        login(name, "registry.example:5000"));
  }

  @Test
  void getListsTheCallersHostsSortedWithoutPasswords() {
    String token = api.newUserToken();
    String now = api.clock.instant().toString();
    for (String host : List.of("quay.io", "docker.io", "registry.example:5000")) {
      check(put(token, host, "u-" + host, PASSWORD), 204);
    }

    HttpResponse<String> response = check(api.call("GET", "/v1/registries", token, null), 200);

    JsonNode entries = json(response).get("registries");
    assertEquals(
        List.of("docker.io", "quay.io", "registry.example:5000"), texts(entries, "host"));
    assertEquals("u-docker.io", entries.get(0).get("username").asText());
    assertEquals(now, entries.get(0).get("updatedAt").asText());
    assertEquals(List.of("host", "username", "updatedAt"), fieldNames(entries.get(0)));
    assertFalse(response.body().contains(PASSWORD), response.body());
    assertFalse(response.body().toLowerCase().contains("password"), response.body());
  }

  @Test
  void aSecondPutReplacesTheFirst() {
    String name = api.uniqueName("reg");
    String token = api.userWithToken(name);
    check(put(token, "ghcr.io", "old", "old-password"), 204);
    api.clock.advance(Duration.ofSeconds(5));
    String later = api.clock.instant().toString();

    check(put(token, "ghcr.io", "new", PASSWORD), 204);

    JsonNode entries = json(check(api.call("GET", "/v1/registries", token, null), 200));
    assertEquals(1, entries.get("registries").size());
    assertEquals("new", entries.get("registries").get(0).get("username").asText());
    assertEquals(later, entries.get("registries").get(0).get("updatedAt").asText());
    assertEquals(PASSWORD, login(name, "ghcr.io").orElseThrow().password());
  }

  @Test
  void anotherUserNeitherSeesNorDeletesThem() {
    String owner = api.uniqueName("reg");
    String token = api.userWithToken(owner);
    String other = api.newUserToken();
    check(put(token, "ghcr.io", "mine", PASSWORD), 204);

    JsonNode theirs = json(check(api.call("GET", "/v1/registries", other, null), 200));
    assertEquals(0, theirs.get("registries").size());
    assertProblem(api.call("DELETE", "/v1/registries/ghcr.io", other, null), 404);
    assertTrue(login(owner, "ghcr.io").isPresent());
  }

  @Test
  void deleteAnswers204ThenFor404() {
    String name = api.uniqueName("reg");
    String token = api.userWithToken(name);
    check(put(token, "localhost:5000", "u", PASSWORD), 204);

    HttpResponse<String> deleted = api.call("DELETE", "/v1/registries/localhost:5000", token, null);

    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals(Optional.empty(), login(name, "localhost:5000"));
    assertProblemNaming(
        api.call("DELETE", "/v1/registries/localhost:5000", token, null), 404, "localhost:5000");
  }

  @Test
  void anIpv6HostArrivesPercentEncodedInThePath() {
    String name = api.uniqueName("reg");
    String token = api.userWithToken(name);

    check(put(token, "%5B::1%5D:5000", "u", PASSWORD), 204);

    assertTrue(login(name, "[::1]:5000").isPresent());
    check(api.call("DELETE", "/v1/registries/%5B::1%5D:5000", token, null), 204);
  }

  @ParameterizedTest
  @ValueSource(strings = {"registry", "bad_host.example", "a..b", "host.example:port", "-x.io"})
  void anInvalidHostIs400NamingTheHost(String host) {
    String token = api.newUserToken();

    assertProblemNaming(put(token, host, "u", PASSWORD), 400, "host");
    assertProblemNaming(api.call("DELETE", "/v1/registries/" + host, token, null), 400, "host");
  }

  @Test
  void invalidBodiesAre400NamingTheField() {
    String token = api.newUserToken();
    String path = "/v1/registries/ghcr.io";

    assertProblemNaming(api.call("PUT", path, token, "{\"password\":\"p\"}"), 400, "username");
    assertProblemNaming(api.call("PUT", path, token, "{\"username\":\"u\"}"), 400, "password");
    assertProblemNaming(put(token, "ghcr.io", "", PASSWORD), 400, "username");
    assertProblemNaming(put(token, "ghcr.io", "u".repeat(256), PASSWORD), 400, "username");
    assertProblemNaming(put(token, "ghcr.io", "line\nbreak", PASSWORD), 400, "username");
    assertProblemNaming(put(token, "ghcr.io", "tab\tbed", PASSWORD), 400, "username");
    assertProblemNaming(put(token, "ghcr.io", "u", ""), 400, "password");
    assertProblemNaming(put(token, "ghcr.io", "u", "p".repeat(4097)), 400, "password");
    assertProblemNaming(
        api.call("PUT", path, token, "{\"username\":\"u\",\"password\":7}"), 400, "password");
    assertProblemNaming(
        api.call("PUT", path, token, "{\"username\":\"u\",\"password\":\"p\",\"host\":\"x.io\"}"),
        400,
        "host");
    assertProblem(api.call("PUT", path, token, "[]"), 400);
    assertEquals(0, json(api.call("GET", "/v1/registries", token, null)).get("registries").size());
  }

  @Test
  void theLongestAllowedValuesAreStored() {
    String name = api.uniqueName("reg");
    String token = api.userWithToken(name);

    check(put(token, "ghcr.io", "ü".repeat(255), "p".repeat(4000)), 204);

    assertEquals("ü".repeat(255), login(name, "ghcr.io").orElseThrow().username());
  }

  @Test
  void everyEndpointNeedsAToken() {
    assertProblem(api.call("GET", "/v1/registries", null, null), 401);
    assertProblem(
        api.call("PUT", "/v1/registries/ghcr.io", null, body("u", PASSWORD)), 401);
    assertProblem(api.call("DELETE", "/v1/registries/ghcr.io", null, null), 401);
  }

  @Test
  void deletingTheUserDeletesTheirCredentialsOnly() {
    String name = api.uniqueName("reg");
    String token = api.userWithToken(name);
    String id = api.idOf(name);
    String otherName = api.uniqueName("reg");
    String other = api.userWithToken(otherName);
    check(put(token, "ghcr.io", "u", PASSWORD), 204);
    check(put(token, "quay.io", "u", PASSWORD), 204);
    check(put(other, "ghcr.io", "v", PASSWORD), 204);

    check(api.call("DELETE", "/v1/users/me", token, null), 204);

    assertEquals(
        List.of(), api.registries.list(id).toCompletableFuture().join(), "credentials deleted");
    assertTrue(login(otherName, "ghcr.io").isPresent());
  }

  @Test
  void aStoreThatIsAwayIs503() {
    String token = api.newUserToken();
    api.registries.unavailable(true);
    try {
      assertProblem(put(token, "ghcr.io", "u", PASSWORD), 503);
      assertProblem(api.call("GET", "/v1/registries", token, null), 503);
      assertProblem(api.call("DELETE", "/v1/registries/ghcr.io", token, null), 503);
    } finally {
      api.registries.unavailable(false);
    }
  }

  private HttpResponse<String> put(String token, String host, String username, String password) {
    return api.call("PUT", "/v1/registries/" + host, token, body(username, password));
  }

  private static String body(String username, String password) {
    return Json.MAPPER
        .createObjectNode()
        .put("username", username)
        .put("password", password)
        .toString();
  }

  private Optional<RegistryLogin> login(String owner, String host) {
    return api.registries.login(api.idOf(owner), host).toCompletableFuture().join();
  }

  private static List<String> texts(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.get(field).asText())
        .toList();
  }

  private static List<String> fieldNames(JsonNode object) {
    return StreamSupport.stream(
            ((Iterable<String>) object::fieldNames).spliterator(), false)
        .toList();
  }
}
