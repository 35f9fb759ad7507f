package dev.faas.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Names;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The body of {@code POST /v1/keys}, checked field by field before anything is stored. */
record KeyRequest(String name, ApiKey.Scope scope, List<String> functions, Instant expiresAt) {
  static final int MAX_NAME_CHARS = 64;
  static final int MAX_FUNCTIONS = 100;

  private static final Set<String> FIELDS = Set.of("name", "scope", "functions", "expiresAt");

  /**
   * @param now expiry must lie after it
   * @throws InvalidRequest naming the field at fault
   */
  static KeyRequest parse(JsonNode body, Instant now) {
    JsonFields fields = JsonFields.of(body, FIELDS, Set.of());
    String name = fields.requiredString("name");
    if (name.isBlank()
        || name.length() > MAX_NAME_CHARS
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidRequest(
          "field 'name' must be 1 to " + MAX_NAME_CHARS + " characters without control characters");
    }
    ApiKey.Scope scope =
        switch (fields.requiredString("scope")) {
          case "invoke" -> ApiKey.Scope.INVOKE;
          case "manage" -> ApiKey.Scope.MANAGE;
          default -> throw new InvalidRequest("field 'scope' must be 'invoke' or 'manage'");
        };
    List<String> functions = functions(body.get("functions"));
    if (scope == ApiKey.Scope.MANAGE && !functions.isEmpty()) {
      throw new InvalidRequest("field 'functions' is only for keys of scope 'invoke'");
    }
    Instant expiresAt =
        fields
            .string("expiresAt")
            .map(
                text -> {
                  try {
                    return Instant.parse(text);
                  } catch (DateTimeParseException e) {
                    throw new InvalidRequest(
                        "field 'expiresAt' must be an RFC 3339 UTC time such as"
                            + " '2030-01-01T00:00:00Z'");
                  }
                })
            .orElse(null);
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new InvalidRequest("field 'expiresAt' must lie in the future");
    }
    return new KeyRequest(name, scope, functions, expiresAt);
  }

  private static List<String> functions(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_FUNCTIONS) {
      throw new InvalidRequest(
          "field 'functions' must be a list of at most " + MAX_FUNCTIONS + " function names");
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || !Names.isFunctionName(item.asText())) {
        throw new InvalidRequest("field 'functions' must hold only valid function names");
      }
      names.add(item.asText());
    }
    return new ArrayList<>(names);
  }
}
