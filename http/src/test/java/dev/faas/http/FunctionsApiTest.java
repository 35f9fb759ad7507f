package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static dev.faas.http.ApiFixture.json;
import static dev.faas.http.ProblemAssert.assertProblem;
import static dev.faas.http.ProblemAssert.assertProblemNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionsApiTest {
  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  private final ApiFixture api = new ApiFixture();
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterAll
  void stop() {
    pool.shutdownNow();
    api.close();
  }

  @Test
  void createAnswers201WithDefaultsETagAndLocation() {
    String token = api.newUserToken();
    String now = api.clock.instant().toString();
    HttpResponse<String> response = check(api.createFunction(token, "echo", "busybox"), 201);
    JsonNode body = json(response);
    assertEquals("echo", body.get("name").asText());
    assertEquals("busybox", body.get("image").asText());
    assertEquals(30000, body.get("timeoutMs").asInt());
    assertEquals(128, body.get("memoryMb").asInt());
    assertEquals("", body.get("description").asText());
    assertEquals(0, body.get("env").size());
    assertEquals("stdin", body.get("inputMode").asText());
    assertEquals(false, body.get("network").asBoolean());
    assertEquals(now, body.get("createdAt").asText());
    assertEquals(now, body.get("updatedAt").asText());
    long revision = body.get("revision").asLong();
    assertEquals("\"" + revision + "\"", response.headers().firstValue("ETag").orElse(""));
    assertEquals("/v1/functions/echo", response.headers().firstValue("Location").orElse(""));
    assertEquals(
        List.of(
            "name",
            "image",
            "status",
            "timeoutMs",
            "memoryMb",
            "description",
            "env",
            "inputMode",
            "network",
            "createdAt",
            "updatedAt",
            "revision"),
        fieldNames(body));
  }

  @Test
  void createKeepsEveryOptionalField() {
    String token = api.newUserToken();
    String request =
        "{\"name\":\"full\",\"image\":\"ghcr.io/acme/fn:1.0\",\"timeoutMs\":100,\"memoryMb\":4096,"
            + "\"description\":\"does it all\",\"env\":{\"B\":\"2\",\"A_1\":\"x y\"},"
            + "\"inputMode\":\"arg\",\"network\":true}";
    JsonNode body = json(check(api.call("POST", "/v1/functions", token, request), 201));
    assertEquals(100, body.get("timeoutMs").asInt());
    assertEquals(4096, body.get("memoryMb").asInt());
    assertEquals("does it all", body.get("description").asText());
    assertEquals(
        Map.of("A_1", "x y", "B", "2"), Json.MAPPER.convertValue(body.get("env"), Map.class));
    assertEquals("arg", body.get("inputMode").asText());
    assertTrue(body.get("network").asBoolean());
    FunctionSpec stored = api.functions.matching(f -> f.name().equals("full")).get(0).value();
    assertEquals(InputMode.ARG, stored.inputMode());
  }

  @Test
  void sameNameTwiceIs409ButAnotherUserMayUseIt() {
    String token = api.newUserToken();
    check(api.createFunction(token, "dup", "busybox"), 201);
    assertProblem(api.createFunction(token, "dup", "alpine"), 409);
    check(api.createFunction(api.newUserToken(), "dup", "busybox"), 201);
  }

  @Test
  void listShowsOwnFunctionsSortedByName() {
    String token = api.newUserToken();
    String other = api.newUserToken();
    for (String name : List.of("zeta", "alpha", "mid")) {
      check(api.createFunction(token, name, "busybox"), 201);
    }
    check(api.createFunction(other, "beta", "busybox"), 201);
    JsonNode body = json(check(api.call("GET", "/v1/functions", token, null), 200));
    List<String> names =
        StreamSupport.stream(body.get("functions").spliterator(), false)
            .map(f -> f.get("name").asText())
            .toList();
    assertEquals(List.of("alpha", "mid", "zeta"), names);
  }

  @Test
  void listOfANewUserIsEmpty() {
    JsonNode body = json(check(api.call("GET", "/v1/functions", api.newUserToken(), null), 200));
    assertEquals(0, body.get("functions").size());
  }

  @Test
  void getAnswersTheFunctionWithETag() {
    String token = api.newUserToken();
    long revision =
        json(check(api.createFunction(token, "getme", "busybox"), 201)).get("revision").asLong();
    HttpResponse<String> response = check(api.call("GET", "/v1/functions/getme", token, null), 200);
    assertEquals("getme", json(response).get("name").asText());
    assertEquals("\"" + revision + "\"", response.headers().firstValue("ETag").orElse(""));
  }

  @Test
  void missingFunctionIs404() {
    String token = api.newUserToken();
    assertProblem(api.call("GET", "/v1/functions/nothing", token, null), 404);
    assertProblem(api.call("DELETE", "/v1/functions/nothing", token, null), 404);
    assertProblem(api.call("PUT", "/v1/functions/nothing", token, "{\"image\":\"busybox\"}"), 404);
  }

  @Test
  void anotherUsersFunctionAnswersExactlyAsMissing() {
    String owner = api.newUserToken();
    String stranger = api.newUserToken();
    check(api.createFunction(owner, "private", "busybox"), 201);
    HttpResponse<String> theirs = api.call("GET", "/v1/functions/private", stranger, null);
    HttpResponse<String> nothing =
        api.call("GET", "/v1/functions/private", api.newUserToken(), null);
    assertProblem(theirs, 404);
    assertEquals(nothing.body(), theirs.body());
    assertProblem(
        api.call("PUT", "/v1/functions/private", stranger, "{\"image\":\"alpine\"}"), 404);
    assertProblem(api.call("DELETE", "/v1/functions/private", stranger, null), 404);
    JsonNode still = json(check(api.call("GET", "/v1/functions/private", owner, null), 200));
    assertEquals("busybox", still.get("image").asText());
  }

  @Test
  void putWithCurrentIfMatchUpdatesAndAnswersANewETag() {
    String token = api.newUserToken();
    HttpResponse<String> created = check(api.createFunction(token, "upd", "busybox"), 201);
    String etag = created.headers().firstValue("ETag").orElseThrow();
    api.clock.advance(Duration.ofSeconds(5));
    HttpResponse<String> updated =
        check(
            api.call(
                "PUT",
                "/v1/functions/upd",
                token,
                "{\"image\":\"alpine:3\",\"memoryMb\":256}",
                "If-Match",
                etag),
            200);
    JsonNode body = json(updated);
    String newEtag = updated.headers().firstValue("ETag").orElseThrow();
    assertNotEquals(etag, newEtag);
    assertEquals("\"" + body.get("revision").asLong() + "\"", newEtag);
    assertEquals("alpine:3", body.get("image").asText());
    assertEquals(256, body.get("memoryMb").asInt());
    assertEquals(json(created).get("createdAt"), body.get("createdAt"));
    assertNotEquals(body.get("createdAt"), body.get("updatedAt"));
    JsonNode read = json(check(api.call("GET", "/v1/functions/upd", token, null), 200));
    assertEquals("alpine:3", read.get("image").asText());
  }

  @Test
  void putWithStaleIfMatchIs412AndChangesNothing() {
    String token = api.newUserToken();
    String first =
        check(api.createFunction(token, "cas", "busybox"), 201)
            .headers()
            .firstValue("ETag")
            .orElseThrow();
    check(
        api.call("PUT", "/v1/functions/cas", token, "{\"image\":\"alpine\"}", "If-Match", first),
        200);
    assertProblem(
        api.call("PUT", "/v1/functions/cas", token, "{\"image\":\"debian\"}", "If-Match", first),
        412);
    assertEquals(
        "alpine", json(api.call("GET", "/v1/functions/cas", token, null)).get("image").asText());
  }

  @Test
  void twoPutsWithTheSameIfMatchNeverBothSucceed() {
    String token = api.newUserToken();
    String etag =
        check(api.createFunction(token, "race", "busybox"), 201)
            .headers()
            .firstValue("ETag")
            .orElseThrow();
    int first =
        api.call("PUT", "/v1/functions/race", token, "{\"image\":\"img-a1\"}", "If-Match", etag)
            .statusCode();
    int second =
        api.call("PUT", "/v1/functions/race", token, "{\"image\":\"img-a2\"}", "If-Match", etag)
            .statusCode();
    assertEquals(List.of(200, 412), List.of(first, second));
  }

  @Test
  void concurrentPutsWithTheSameIfMatchHaveOneWinner() {
    String token = api.newUserToken();
    String etag =
        check(api.createFunction(token, "crowd", "busybox"), 201)
            .headers()
            .firstValue("ETag")
            .orElseThrow();
    List<Integer> statuses =
        IntStream.range(0, 8)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () ->
                            api.call(
                                    "PUT",
                                    "/v1/functions/crowd",
                                    token,
                                    "{\"image\":\"img" + i + "\"}",
                                    "If-Match",
                                    etag)
                                .statusCode(),
                        pool))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .sorted()
            .toList();
    assertEquals(List.of(200, 412, 412, 412, 412, 412, 412, 412), statuses);
  }

  @Test
  void ifMatchStarOrListOrWeakTags() {
    String token = api.newUserToken();
    long rev =
        json(check(api.createFunction(token, "tags", "busybox"), 201)).get("revision").asLong();
    check(api.call("PUT", "/v1/functions/tags", token, "{\"image\":\"img-a\"}", "If-Match", "*"), 200);
    long now = json(api.call("GET", "/v1/functions/tags", token, null)).get("revision").asLong();
    check(
        api.call(
            "PUT",
            "/v1/functions/tags",
            token,
            "{\"image\":\"img-b\"}",
            "If-Match",
            "\"" + rev + "\", \"" + now + "\""),
        200);
    long latest = json(api.call("GET", "/v1/functions/tags", token, null)).get("revision").asLong();
    assertProblem(
        api.call(
            "PUT",
            "/v1/functions/tags",
            token,
            "{\"image\":\"img-c\"}",
            "If-Match",
            "W/\"" + latest + "\""),
        412);
    assertProblemNaming(
        api.call("PUT", "/v1/functions/tags", token, "{\"image\":\"img-c\"}", "If-Match", "garbage"),
        400,
        "If-Match");
  }

  @Test
  void putWithoutIfMatchUpdatesWhateverIsCurrent() {
    String token = api.newUserToken();
    check(api.createFunction(token, "uncond", "busybox"), 201);
    // Changed behind this node's back, as by another node: the cache is now stale.
    String owner = api.functions.matching(f -> f.name().equals("uncond")).get(0).value().owner();
    FunctionSpec current = api.functionStore.kv.get(owner + ".uncond").orElseThrow().value();
    api.functionStore.kv.put(owner + ".uncond", current);
    HttpResponse<String> updated =
        check(
            api.call(
                "PUT", "/v1/functions/uncond", token, "{\"image\":\"alpine\",\"name\":\"uncond\"}"),
            200);
    assertEquals("alpine", json(updated).get("image").asText());
  }

  @Test
  void putReplacesTheWholeFunction() {
    String token = api.newUserToken();
    check(
        api.call(
            "POST",
            "/v1/functions",
            token,
            "{\"name\":\"repl\",\"image\":\"busybox\",\"description\":\"old\",\"env\":{\"A\":\"1\"}}"),
        201);
    JsonNode body =
        json(check(api.call("PUT", "/v1/functions/repl", token, "{\"image\":\"busybox\"}"), 200));
    assertEquals("", body.get("description").asText());
    assertEquals(0, body.get("env").size());
  }

  @Test
  void fetchedFunctionCanBeSentBackAsItIs() {
    String token = api.newUserToken();
    check(api.createFunction(token, "roundtrip", "busybox"), 201);
    HttpResponse<String> fetched = api.call("GET", "/v1/functions/roundtrip", token, null);
    check(
        api.call(
            "PUT",
            "/v1/functions/roundtrip",
            token,
            fetched.body(),
            "If-Match",
            fetched.headers().firstValue("ETag").orElseThrow()),
        200);
  }

  @Test
  void putWithAnotherNameInTheBodyIs400() {
    String token = api.newUserToken();
    check(api.createFunction(token, "named", "busybox"), 201);
    assertProblemNaming(
        api.call("PUT", "/v1/functions/named", token, "{\"name\":\"other\",\"image\":\"busybox\"}"),
        400,
        "name");
  }

  @Test
  void deleteAnswers204ThenTheFunctionIsGone() {
    String token = api.newUserToken();
    check(api.createFunction(token, "gone", "busybox"), 201);
    HttpResponse<String> deleted =
        check(api.call("DELETE", "/v1/functions/gone", token, null), 204);
    assertEquals("", deleted.body());
    assertProblem(api.call("GET", "/v1/functions/gone", token, null), 404);
    assertEquals(0, json(api.call("GET", "/v1/functions", token, null)).get("functions").size());
    check(api.createFunction(token, "gone", "busybox"), 201);
  }

  @Test
  void functionCreatedOnAnotherNodeIsReadThroughOnACacheMiss() {
    String token = api.newUserToken();
    String owner = api.tokens.verify(token).orElseThrow().userId();
    FunctionSpec spec =
        new FunctionSpec(
            owner,
            "remote",
            "busybox",
            1000,
            64,
            "",
            Map.of(),
            null,
            false,
            ApiFixture.START,
            ApiFixture.START);
    api.functionStore.kv.put(spec.key(), spec);
    check(api.call("GET", "/v1/functions/remote", token, null), 200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "echo",
        "a-1",
        "fn-2-x",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"
      })
  void validFunctionNamesAreAccepted(String name) {
    check(api.createFunction(api.newUserToken(), name, "busybox"), 201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "UPPER",
        "-x",
        "1abc",
        "a_b",
        "a.b",
        "a b",
        "é",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"
      })
  void invalidFunctionNamesAre400NamingTheField(String name) {
    assertProblemNaming(api.createFunction(api.newUserToken(), name, "busybox"), 400, "name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UPPER", "a%2Fb", "a.b", "-x"})
  void invalidNameInThePathIs400(String name) {
    String token = api.newUserToken();
    assertProblemNaming(api.call("GET", "/v1/functions/" + name, token, null), 400, "name");
    assertProblemNaming(api.call("DELETE", "/v1/functions/" + name, token, null), 400, "name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "busybox",
        "library/busybox:1.36",
        "ghcr.io/acme/fn:1.0",
        "localhost:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "registry.example.com/team/my_fn.v2:v1.2-rc_3"
      })
  void validImageReferencesAreAccepted(String image) {
    check(api.createFunction(api.newUserToken(), "img", image), 201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "UPPER",
        "a::b",
        "-x",
        "",
        "busybox:",
        "busybox@sha256:abc",
        "a//b",
        "ghcr.io/Acme/fn",
        "busy box"
      })
  void invalidImageReferencesAre400NamingTheField(String image) {
    assertProblemNaming(api.createFunction(api.newUserToken(), "img", image), 400, "image");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4a8f",
        "0123456789ab",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256:4a8f"
      })
  void imageIdsAndIdPrefixesAreRefused(String image) {
    assertProblemNaming(api.createFunction(api.newUserToken(), "img", image), 400, "image id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cafe:1", "4a8f:latest", "registry.example/4a8f", "acme/4a8f"})
  void allHexNamesWithATagOrARepositoryAreNames(String image) {
    check(api.createFunction(api.newUserToken(), "img", image), 201);
  }

  @Test
  void tooLongImageReferenceIs400() {
    assertProblemNaming(
        api.createFunction(api.newUserToken(), "img", "a".repeat(300)), 400, "image");
  }

  @Test
  void digestImageIsValidWithTheConstant() {
    check(api.createFunction(api.newUserToken(), "digest", "localhost:5000/a/b@" + DIGEST), 201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "timeoutMs=99",
        "timeoutMs=300001",
        "timeoutMs=-1",
        "timeoutMs=1.5",
        "timeoutMs=\"100\"",
        "timeoutMs=true",
        "timeoutMs=99999999999999999999",
        "memoryMb=15",
        "memoryMb=4097",
        "memoryMb=\"128\"",
        "memoryMb=[]",
        "description=5",
        "env=[]",
        "env=\"A=1\"",
        "env={\"1A\":\"x\"}",
        "env={\"A-B\":\"x\"}",
        "env={\"\":\"x\"}",
        "env={\"A\":1}",
        "env={\"A\":null}",
        "env={\"A\":\"a\\u0000b\"}",
        "inputMode=\"file\"",
        "inputMode=\"STDIN\"",
        "inputMode=1",
        "network=\"yes\"",
        "network=1",
        "network=null",
        "image=5",
        "image=null",
        "name=5",
        "name=null",
        "colour=\"red\""
      })
  void invalidFieldsAre400NamingTheField(String assignment) throws Exception {
    String field = assignment.substring(0, assignment.indexOf('='));
    String value = assignment.substring(assignment.indexOf('=') + 1);
    ObjectNode body = Json.MAPPER.createObjectNode().put("name", "f").put("image", "busybox");
    body.set(field, Json.MAPPER.readTree(value));
    if (field.equals("network") && value.equals("null")) {
      // null is "absent" for optional fields: the control case, accepted.
      check(api.call("POST", "/v1/functions", api.newUserToken(), body.toString()), 201);
      return;
    }
    JsonNode problem =
        assertProblemNaming(
            api.call("POST", "/v1/functions", api.newUserToken(), body.toString()), 400, field);
    assertTrue(
        problem.path("field").asText().startsWith(field),
        "the problem's field extension names [" + field + "]: " + problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"timeoutMs=100", "timeoutMs=300000", "memoryMb=16", "memoryMb=4096"})
  void rangeBoundsAreAccepted(String assignment) {
    String field = assignment.substring(0, assignment.indexOf('='));
    String value = assignment.substring(assignment.indexOf('=') + 1);
    check(
        api.call(
            "POST",
            "/v1/functions",
            api.newUserToken(),
            "{\"name\":\"f\",\"image\":\"busybox\",\"" + field + "\":" + value + "}"),
        201);
  }

  @Test
  void nullOptionalFieldsTakeTheirDefaults() {
    JsonNode body =
        json(
            check(
                api.call(
                    "POST",
                    "/v1/functions",
                    api.newUserToken(),
                    "{\"name\":\"nulls\",\"image\":\"busybox\",\"timeoutMs\":null,\"env\":null}"),
                201));
    assertEquals(30000, body.get("timeoutMs").asInt());
  }

  @Test
  void missingRequiredFieldsAre400NamingThem() {
    String token = api.newUserToken();
    assertProblemNaming(
        api.call("POST", "/v1/functions", token, "{\"image\":\"busybox\"}"), 400, "name");
    assertProblemNaming(api.call("POST", "/v1/functions", token, "{\"name\":\"x\"}"), 400, "image");
  }

  @Test
  void unknownFieldIs400NamingIt() {
    ObjectNode body =
        Json.MAPPER
            .createObjectNode()
            .put("name", "f")
            .put("image", "busybox")
            .put("colour", "red");
    assertProblemNaming(
        api.call("POST", "/v1/functions", api.newUserToken(), body.toString()), 400, "colour");
  }

  @Test
  void functionsNeedAToken() {
    for (String[] call :
        List.of(
            new String[] {"GET", "/v1/functions"},
            new String[] {"POST", "/v1/functions"},
            new String[] {"GET", "/v1/functions/x"},
            new String[] {"PUT", "/v1/functions/x"},
            new String[] {"DELETE", "/v1/functions/x"})) {
      HttpResponse<String> response =
          api.call(
              call[0],
              call[1],
              null,
              call[0].equals("GET") || call[0].equals("DELETE") ? null : "{}");
      assertProblem(response, 401);
      assertEquals(
          "Bearer",
          response.headers().firstValue("WWW-Authenticate").orElse(""),
          call[0] + " " + call[1]);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    return StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false)
        .toList();
  }
}
