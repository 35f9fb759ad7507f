package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeStore;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document the node serves is valid for the tools clients use: Redocly CLI's lint
 * ({@link RedoclyLint}) finds no error in it. A description with an unquoted comma inside a
 * {@code { ... }} flow mapping is the mistake this caught: YAML splits it into a bogus property, and
 * a generated client gets a wrong schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiLintTest {
  // A whole document around one schema property, to show what the validator refuses.
  private static final String MINIMAL =
      """
      openapi: 3.0.3
      info: { title: t, version: "1" }
      paths:
        /x:
          get:
            operationId: x
            responses:
              "200":
                description: ok
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        waited: %s
      """;

  private final ApiFixture api =
      new ApiFixture(
          HttpSettings.defaults(),
          deps ->
              HttpApi.invocationEndpoints(deps, new FakeInvoker(), new FakeStore()),
          true);
  private RedoclyLint redocly;

  @BeforeAll
  void install() throws Exception {
    redocly = RedoclyLint.installed();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void servedDocumentHasNoErrors() throws Exception {
    HttpResponse<String> served = api.call("GET", "/v1/openapi.yaml", null, null);
    assertEquals(200, served.statusCode());
    List<RedoclyLint.Problem> errors =
        redocly.lint(served.body()).stream().filter(p -> p.severity().equals("error")).toList();
    assertTrue(
        errors.isEmpty(),
        () ->
            "GET /v1/openapi.yaml:\n"
                + String.join("\n", errors.stream().map(RedoclyLint.Problem::toString).toList()));
  }

  @Test
  void validatorRefusesACommaThatSplitsADescription() throws Exception {
    String quoted = "{ type: integer, description: \"From the call, until a worker took it.\" }";
    String unquoted = "{ type: integer, description: From the call, until a worker took it. }";

    assertEquals(List.of(), redocly.lint(MINIMAL.formatted(quoted)));
    List<RedoclyLint.Problem> problems = redocly.lint(MINIMAL.formatted(unquoted));
    assertFalse(problems.isEmpty());
    assertEquals("error", problems.get(0).severity());
    assertEquals("struct", problems.get(0).ruleId());
    assertTrue(
        problems.get(0).pointer().endsWith("/waited/until a worker took it."),
        problems.get(0).toString());
  }

  @Test
  void supportedNodeVersionsAreRedoclysEngines() {
    for (String yes : List.of("v20.19.0", "v20.20.2", "v22.12.0", "v24.1.0")) {
      assertTrue(RedoclyLint.supports(yes), yes);
    }
    for (String no : List.of("v18.20.4", "v20.18.3", "v21.7.0", "v22.11.0", "", "garbage")) {
      assertFalse(RedoclyLint.supports(no), no);
    }
  }
}
