package dev.faas.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Typed access to the members of a request's JSON object, each failure an {@link InvalidRequest}
 * naming the field. A JSON {@code null} counts as absent, so optional fields can be cleared.
 */
final class JsonFields {
  private final JsonNode object;

  private JsonFields(JsonNode object) {
    this.object = object;
  }

  /**
   * Wraps {@code object}, refusing any member not in {@code known} nor {@code ignored}, so a
   * misspelt field is an error rather than silently a default.
   */
  static JsonFields of(JsonNode object, Set<String> known, Set<String> ignored) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name) && !ignored.contains(name)) {
        throw new InvalidRequest("unknown field '" + name + "'");
      }
    }
    return new JsonFields(object);
  }

  Optional<String> string(String field) {
    JsonNode node = member(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new InvalidRequest("field '" + field + "' must be a string");
    }
    return Optional.of(node.textValue());
  }

  String requiredString(String field) {
    return string(field).orElseThrow(() -> new InvalidRequest("field '" + field + "' is required"));
  }

  /**
   * An integer within {@code [min, max]}; fractions, strings and out-of-range values are refused.
   */
  Optional<Integer> integer(String field, int min, int max) {
    JsonNode node = member(field);
    if (node == null) {
      return Optional.empty();
    }
    String range = " between " + min + " and " + max;
    if (!node.isIntegralNumber()) {
      throw new InvalidRequest("field '" + field + "' must be an integer" + range);
    }
    if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
      throw new InvalidRequest("field '" + field + "' must be" + range);
    }
    return Optional.of(node.intValue());
  }

  Optional<Boolean> bool(String field) {
    JsonNode node = member(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      throw new InvalidRequest("field '" + field + "' must be true or false");
    }
    return Optional.of(node.booleanValue());
  }

  /** A JSON object, for the caller to read further. */
  Optional<JsonNode> object(String field) {
    JsonNode node = member(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw new InvalidRequest("field '" + field + "' must be an object");
    }
    return Optional.of(node);
  }

  private JsonNode member(String field) {
    JsonNode node = object.get(field);
    return node == null || node.isNull() ? null : node;
  }
}
