package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;

/** Checks that a response is a well-formed RFC 9457 problem that leaks nothing internal. */
final class ProblemAssert {
  // Fragments that only appear when an exception, a class or a stack frame found its way out.
  private static final List<String> LEAKS =
      List.of("Exception", "dev.faas", "java.", "org.apache", "com.fasterxml", "scala.", "\tat ");
  private static final Pattern STACK_FRAME = Pattern.compile("\\bat [a-z]+\\.[a-z]+");
  private static final Pattern NESTED_CLASS = Pattern.compile("\\w\\$\\w");

  private ProblemAssert() {}

  /** Asserts the problem shape and status; returns the body for further checks. */
  static JsonNode assertProblem(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json",
        response.headers().firstValue("Content-Type").orElse(""),
        "content type of " + response.body());
    JsonNode body = ApiFixture.json(response);
    assertTrue(body.isObject(), response.body());
    assertTrue(body.path("type").isTextual(), "type in " + response.body());
    assertTrue(body.path("title").isTextual(), "title in " + response.body());
    assertEquals(status, body.path("status").asInt(), "status in " + response.body());
    assertTrue(
        body.path("detail").isTextual() && !body.path("detail").asText().isBlank(),
        "detail in " + response.body());
    for (String leak : LEAKS) {
      assertFalse(response.body().contains(leak), "leaks [" + leak + "]: " + response.body());
    }
    assertFalse(STACK_FRAME.matcher(response.body()).find(), "stack frame in " + response.body());
    assertFalse(NESTED_CLASS.matcher(response.body()).find(), "class name in " + response.body());
    return body;
  }

  /** Asserts the problem and that its detail mentions {@code field}. */
  static JsonNode assertProblemNaming(HttpResponse<String> response, int status, String field) {
    JsonNode body = assertProblem(response, status);
    assertTrue(
        body.path("detail").asText().contains(field),
        "detail should name [" + field + "]: " + response.body());
    return body;
  }
}
