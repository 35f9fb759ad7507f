package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code faas.yaml}: the functions a user wants, with the fields of the API's function body.
 *
 * <pre>
 * functions:
 *   - name: echo
 *     image: registry.example:5000/team/echo:1
 *     timeoutMs: 5000
 *     env: {GREETING: hello}
 * </pre>
 *
 * Read strictly: an unknown field is a mistake to report, not to ignore.
 */
public final class Manifest {
  private static final Set<String> FIELDS = Set.copyOf(FunctionOptions.WRITABLE);

  private Manifest() {}

  /** The functions of the manifest in {@code in}, each a complete body, in file order. */
  public static List<ObjectNode> read(InputStream in, String source) {
    JsonNode root;
    try {
      root = Json.yaml().readTree(in);
    } catch (IOException e) {
      throw CliException.usage(source + " is not valid YAML: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw CliException.usage(source + " is empty: it needs a 'functions:' list");
    }
    if (!root.isObject()) {
      throw CliException.usage(source + ": the top level must be a mapping with 'functions:'");
    }
    for (Map.Entry<String, JsonNode> top : root.properties()) {
      if (!top.getKey().equals("functions")) {
        throw CliException.usage(source + ": unknown top-level field '" + top.getKey() + "' (only 'functions')");
      }
    }
    JsonNode functions = root.path("functions");
    if (functions.isNull() || functions.isMissingNode()) {
      return List.of();
    }
    if (!functions.isArray()) {
      throw CliException.usage(source + ": 'functions' must be a list");
    }
    List<ObjectNode> all = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode function : functions) {
      String where = source + ": functions[" + i++ + "]";
      if (!function.isObject()) {
        throw CliException.usage(where + " must be a mapping");
      }
      for (Map.Entry<String, JsonNode> field : function.properties()) {
        if (!FIELDS.contains(field.getKey())) {
          throw CliException.usage(where + ": unknown field '" + field.getKey() + "' (fields: " + String.join(", ", FunctionOptions.WRITABLE) + ")");
        }
      }
      String name = function.path("name").asText("");
      if (name.isEmpty() || !function.path("image").isTextual()) {
        throw CliException.usage(where + ": 'name' and 'image' are required");
      }
      if (!names.add(name)) {
        throw CliException.usage(where + ": function '" + name + "' is listed twice");
      }
      all.add(withDefaults((ObjectNode) function));
    }
    return all;
  }

  /** The body with every absent optional field at the API's default, so it compares with what is stored. */
  static ObjectNode withDefaults(ObjectNode function) {
    ObjectNode full = function.deepCopy();
    if (!full.hasNonNull("timeoutMs")) {
      full.put("timeoutMs", 30_000);
    }
    if (!full.hasNonNull("memoryMb")) {
      full.put("memoryMb", 128);
    }
    if (!full.hasNonNull("description")) {
      full.put("description", "");
    }
    if (!full.hasNonNull("env")) {
      full.set("env", Json.object());
    }
    if (!full.hasNonNull("inputMode")) {
      full.put("inputMode", "stdin");
    }
    if (!full.hasNonNull("network")) {
      full.put("network", false);
    }
    if (full.has("maxConcurrency") && full.get("maxConcurrency").isNull()) {
      full.remove("maxConcurrency");
    }
    // Environment values are strings in the API; YAML reads `PORT: 8080` as a number.
    if (full.get("env").isObject()) {
      ObjectNode env = Json.object();
      full.get("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
      full.set("env", env);
    }
    return full;
  }
}
