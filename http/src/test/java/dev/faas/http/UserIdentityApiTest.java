package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.model.Names;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A user's data is keyed by the user id, not the name (issue 13, "Identity outlives the user"):
 * deleting a user removes all of it, a write racing with the deletion does not survive it, a name
 * registered again starts with nothing, and the ETag tells nothing of the store's write count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserIdentityApiTest {
  private final ApiFixture api = new ApiFixture();

  @AfterAll
  void close() {
    api.close();
  }

  @Test
  void everyKeyOfTheUsersDataIsTheirIdAndTheVerifyCheckTellsIt() {
    String name = api.uniqueName("ident");
    String token = api.userWithToken(name);
    String id = api.idOf(name);
    check(api.createFunction(token, "mine", "busybox"), 201);

    assertTrue(Names.isUserId(id), id);
    assertTrue(api.functionStore.kv.get(id + ".mine").isPresent(), "keyed by the id");
    assertTrue(api.functionStore.kv.get(name + ".mine").isEmpty(), "never by the name");
    HttpResponse<String> verified = check(api.call("GET", "/v1/auth/verify", token, null), 200);
    assertEquals(name, verified.headers().firstValue("X-User").orElse(""));
    assertEquals(id, verified.headers().firstValue("X-User-Id").orElse(""));
  }

  @Test
  void deletingAUserRemovesTheirRecordsAndTheNameRegisteredAgainSeesNothing() {
    String name = api.uniqueName("ident");
    String token = api.userWithToken(name);
    String oldId = api.idOf(name);
    check(api.createFunction(token, "tell", "busybox"), 201);
    api.activations.put(record(oldId, "secret00001")).toCompletableFuture().join();
    String otherName = api.uniqueName("ident");
    api.userWithToken(otherName);
    api.activations.put(record(api.idOf(otherName), "other000001")).toCompletableFuture().join();

    check(api.call("DELETE", "/v1/users/me", token, null), 204);

    assertTrue(api.activations.byId("secret00001").isEmpty(), "the user's records are gone");
    assertTrue(api.activations.byId("other000001").isPresent(), "nobody else's");
    assertTrue(api.functionStore.kv.withPrefix(oldId + ".").isEmpty(), "the functions are gone");
    String again = api.userWithToken(name);
    assertNotEquals(oldId, api.idOf(name), "a new user, a new id");
    assertEquals(0, json(api.call("GET", "/v1/functions", again, null)).get("functions").size());
    assertProblem(api.call("GET", "/v1/functions/tell", again, null), 404);
  }

  @Test
  void aSweepThatFailsIsTriedAgainAndOneThatKeepsFailingIs503() {
    String name = api.uniqueName("ident");
    String token = api.userWithToken(name);
    api.activations.put(record(api.idOf(name), "blip0000001")).toCompletableFuture().join();
    api.activations.failingDeletes(1);

    check(api.call("DELETE", "/v1/users/me", token, null), 204);
    assertTrue(api.activations.byId("blip0000001").isEmpty(), "swept at the second attempt");

    String other = api.uniqueName("ident");
    String otherToken = api.userWithToken(other);
    api.activations.put(record(api.idOf(other), "down0000001")).toCompletableFuture().join();
    api.activations.failingDeletes(UserOperations.SWEEP_ATTEMPTS);
    assertProblem(api.call("DELETE", "/v1/users/me", otherToken, null), 503);
    assertProblem(api.call("GET", "/v1/users/me", otherToken, null), 401);
  }

  @Test
  void aFunctionCreatedWhileItsUserIsDeletedIsTakenBack() {
    String name = api.uniqueName("ident");
    String token = api.userWithToken(name);
    String id = api.idOf(name);
    // Deleted on another node: this node's cache still has the user, so the token still passes.
    api.userStore.kv.delete(name);

    assertProblem(api.createFunction(token, "orphan", "busybox"), 404);

    assertTrue(api.functionStore.kv.withPrefix(id + ".").isEmpty(), "no orphan in the store");
    assertTrue(api.functions.get(id + ".orphan").isEmpty(), "none in the cache");
  }

  @Test
  void registryCredentialsStoredWhileTheirUserIsDeletedAreTakenBack() {
    String name = api.uniqueName("ident");
    String token = api.userWithToken(name);
    String id = api.idOf(name);
    api.userStore.kv.delete(name);

    assertProblem(
        api.call(
            "PUT",
            "/v1/registries/ghcr.io",
            token,
            "{\"username\":\"u\",\"password\":\"" + ApiFixture.PASSWORD + "\"}"),
        404);

    assertEquals(List.of(), api.registries.list(id).toCompletableFuture().join());
  }

  @Test
  void theEtagIsNotTheStoreRevisionAndStillGuardsUpdates() {
    String token = api.newUserToken();
    Set<Long> etags = new HashSet<>();
    long storeRevision = 0;
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> created = check(api.createFunction(token, "seq" + i, "busybox"), 201);
      long etag = etag(created);
      assertEquals(etag, json(created).get("revision").asLong(), "revision is the ETag");
      storeRevision = revisionInStore(token, "seq" + i);
      assertNotEquals(storeRevision, etag, "not the store's sequence number");
      assertTrue(etag >= 0 && etag < (1L << 53), "a JSON-safe number: " + etag);
      etags.add(etag);
    }
    assertEquals(5, etags.size());
    // Consecutive writes are consecutive store revisions; their ETags are not.
    List<Long> sorted = etags.stream().sorted().toList();
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(sorted.get(i) - sorted.get(i - 1) > 1000, sorted.toString());
    }

    String first = "\"" + etag(api.call("GET", "/v1/functions/seq0", token, null)) + "\"";
    HttpResponse<String> updated =
        check(
            api.call("PUT", "/v1/functions/seq0", token, "{\"image\":\"alpine\"}", "If-Match", first),
            200);
    assertNotEquals(first, updated.headers().firstValue("ETag").orElseThrow());
    assertProblem(
        api.call("PUT", "/v1/functions/seq0", token, "{\"image\":\"debian\"}", "If-Match", first),
        412);
    // Deleted and registered again: never the old value back.
    check(api.call("DELETE", "/v1/functions/seq0", token, null), 204);
    check(api.createFunction(token, "seq0", "busybox"), 201);
    assertProblem(
        api.call("PUT", "/v1/functions/seq0", token, "{\"image\":\"debian\"}", "If-Match", first),
        412);
  }

  private long revisionInStore(String token, String function) {
    String owner = api.tokens.verify(token).orElseThrow().userId();
    return api.functionStore.kv.get(owner + "." + function).orElseThrow().revision();
  }

  private static long etag(HttpResponse<String> response) {
    String tag = response.headers().firstValue("ETag").orElseThrow();
    return Long.parseLong(tag.substring(1, tag.length() - 1));
  }

  private static ActivationRecord record(String owner, String id) {
    return new ActivationRecord(
        id, owner, "tell", ActivationStatus.SUCCESS, null, 0,
        "the secret".getBytes(StandardCharsets.UTF_8), "", false, Instant.now(), 1, "w", false,
        0, 0, 0);
  }
}
