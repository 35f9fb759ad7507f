package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.image.ImageResolution.Local;
import dev.faas.actors.image.ImageResolution.Pinned;
import dev.faas.actors.image.ImageResolution.Reason;
import dev.faas.actors.image.ImageResolution.Refused;
import dev.faas.actors.model.Versioned;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Functions pinned to what their image resolves to for their owner: the digest shows on the
 * function, a refusal is a 400 of type image-unavailable that stores nothing, and only an update
 * resolves again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionImagesApiTest {
  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);

  private final ApiFixture api = new ApiFixture();
  private long reports;

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void aResolvedImageIsPinnedAndPendingUntilAWorkerHasIt() {
    api.images.answer("reg.example:5000/team/pinned:1", new Pinned(D1));
    String token = api.newUserToken();

    JsonNode created =
        json(check(api.createFunction(token, "pinned", "reg.example:5000/team/pinned:1"), 201));
    JsonNode read = json(check(api.call("GET", "/v1/functions/pinned", token, null), 200));

    for (JsonNode f : List.of(created, read)) {
      assertEquals("reg.example:5000/team/pinned:1", f.get("image").asText());
      assertEquals(D1, f.get("imageDigest").asText());
      assertEquals("pending", f.get("status").asText());
      assertFalse(f.has("statusDetail"));
    }

    report("reg.example:5000/team/pinned@" + D1, "w1", false, "connection refused");
    JsonNode failed = json(check(api.call("GET", "/v1/functions/pinned", token, null), 200));
    assertEquals("failed", failed.get("status").asText());
    assertTrue(failed.get("statusDetail").asText().contains("connection refused"));

    report("reg.example:5000/team/pinned@" + D1, "w2", true, "");
    JsonNode ready = json(check(api.call("GET", "/v1/functions/pinned", token, null), 200));
    assertEquals("ready", ready.get("status").asText());
    assertFalse(ready.has("statusDetail"));
    assertEquals(
        "ready",
        json(check(api.call("GET", "/v1/functions", token, null), 200))
            .get("functions").get(0).get("status").asText());
  }

  private void report(String image, String worker, boolean pulled, String detail) {
    ImagePullReport report =
        new ImagePullReport(image, worker, pulled, detail, api.clock.instant());
    api.imagePulls.put(report.key(), new Versioned<>(report, ++reports));
  }

  @Test
  void aLocalImageIsReadyWithoutADigest() {
    api.images.answer("local/built:1", new Local());
    String token = api.newUserToken();

    JsonNode created = json(check(api.createFunction(token, "local", "local/built:1"), 201));

    assertEquals("ready", created.get("status").asText());
    assertFalse(created.has("imageDigest"));
  }

  @Test
  void anImageTheOwnerCannotHaveIs400WithTheReasonAndNothingIsStored() {
    api.images.answer(
        "reg.example:5000/team/secret:1",
        new Refused(Reason.UNAUTHORIZED, "registry reg.example:5000 needs credentials"));
    String token = api.newUserToken();

    HttpResponse<String> refused =
        check(api.createFunction(token, "secret", "reg.example:5000/team/secret:1"), 400);

    JsonNode problem = json(refused);
    assertEquals("https://faas.dev/problems/image-unavailable", problem.get("type").asText());
    assertEquals("unauthorized", problem.get("reason").asText());
    assertEquals("image", problem.get("field").asText());
    assertTrue(problem.get("detail").asText().contains("needs credentials"));
    check(api.call("GET", "/v1/functions/secret", token, null), 404);
  }

  @Test
  void onlyAnUpdateResolvesAgainAndARefusedUpdateKeepsTheOldPin() {
    String image = "reg.example:5000/team/moving:1";
    api.images.answer(image, new Pinned(D1));
    String token = api.newUserToken();
    check(api.createFunction(token, "moving", image), 201);

    // The tag moves in the registry: reads and calls keep the digest of the registration.
    api.images.answer(image, new Pinned(D2));
    assertEquals(
        D1, json(check(api.call("GET", "/v1/functions/moving", token, null), 200))
            .get("imageDigest").asText());

    JsonNode updated =
        json(check(api.call("PUT", "/v1/functions/moving", token, body(image)), 200));
    assertEquals(D2, updated.get("imageDigest").asText());

    api.images.answer(image, new Refused(Reason.UNREACHABLE, "registry reg.example:5000 down"));
    check(api.call("PUT", "/v1/functions/moving", token, body(image)), 400);
    assertEquals(
        D2, json(check(api.call("GET", "/v1/functions/moving", token, null), 200))
            .get("imageDigest").asText());
  }

  @Test
  void anUpdateOfAMissingFunctionIs404WithoutAskingTheRegistry() {
    String token = api.newUserToken();
    int before = api.images.asked().size();

    check(api.call("PUT", "/v1/functions/nothing", token, body("reg.example/x:1")), 404);

    assertEquals(before, api.images.asked().size());
  }

  @Test
  void theOwnerIsTheOneWhoseCredentialsResolve() {
    String token = api.newUserToken();
    String owner = json(check(api.call("GET", "/v1/users/me", token, null), 200))
        .get("username").asText();
    owner = api.idOf(owner);

    check(api.createFunction(token, "whose", "reg.example/whose:1"), 201);

    assertTrue(api.images.asked().contains(owner + "/reg.example/whose:1"), api.images.asked().toString());
  }

  private static String body(String image) {
    return "{\"image\":\"" + image + "\"}";
  }
}
