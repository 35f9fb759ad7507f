package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error answer of the platform, read from its problem body (RFC 9457): what stderr shows and
 * which exit code the run ends with.
 */
public final class ApiError extends CliException {
  private static final long serialVersionUID = 1L;
  private static final String TYPE_PREFIX = "https://faas.dev/problems/";

  private final int status;
  private final String slug;
  private final transient JsonNode problem;

  private ApiError(int status, String slug, JsonNode problem, String message) {
    super(ExitCode.ofProblem(status, slug), message);
    this.status = status;
    this.slug = slug;
    this.problem = problem;
  }

  /** The error for {@code response}, a non-2xx answer. */
  public static ApiError of(ApiClient.Response response) {
    JsonNode problem = response.jsonOrNull();
    String type = text(problem, "type");
    String slug = type != null && type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : null;
    return new ApiError(response.status(), slug, problem, message(response, problem, slug));
  }

  static String message(ApiClient.Response response, JsonNode problem, String slug) {
    StringBuilder line = new StringBuilder();
    String title = text(problem, "title");
    String detail = text(problem, "detail");
    line.append(title != null ? title : "HTTP " + response.status());
    if (detail != null && !detail.equalsIgnoreCase(title)) {
      line.append(": ").append(detail);
    }
    line.append(" (").append(response.status());
    if (slug != null) {
      line.append(' ').append(slug);
    }
    line.append(')');
    String field = text(problem, "field");
    if (field != null) {
      line.append("\n  field: ").append(field);
    }
    String activation = text(problem, "activationId");
    if (activation != null) {
      line.append("\n  activation: ").append(activation);
    }
    if (problem != null && problem.hasNonNull("exitCode")) {
      line.append("\n  exit code: ").append(problem.get("exitCode").asText());
    }
    String retry = response.header("Retry-After");
    if (retry != null) {
      line.append("\n  retry after: ").append(retry).append(" s");
    }
    if (response.status() == 401) {
      line.append("\n  hint: log in again with 'faas login'");
    }
    String requestId = response.header("X-Request-Id");
    if (requestId != null) {
      line.append("\n  request id: ").append(requestId);
    }
    return line.toString();
  }

  private static String text(JsonNode node, String field) {
    return node != null && node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The problem type's slug ({@code function-exit}), or null for {@code about:blank}. */
  public String slug() {
    return slug;
  }

  /** The problem body, or null when the answer had none. */
  public JsonNode problem() {
    return problem;
  }
}
