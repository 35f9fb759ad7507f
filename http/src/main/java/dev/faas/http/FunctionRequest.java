package dev.faas.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageState;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.Names;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated body of {@code POST /v1/functions} or {@code PUT /v1/functions/{name}}. Absent
 * optional fields take their defaults: a {@code PUT} replaces the whole function.
 */
record FunctionRequest(
    String name,
    String image,
    int timeoutMs,
    int memoryMb,
    String description,
    Map<String, String> env,
    InputMode inputMode,
    boolean network,
    int maxConcurrency,
    int retries) {

  static final int MAX_DESCRIPTION_CHARS = 1024;
  static final int MAX_ENV_ENTRIES = 128;
  /**
   * The most the environment may weigh, names and values in UTF-8 together: the whole function
   * travels with every activation in one NATS header, which must stay well under the server's
   * 64 KiB header limit with the request's other fields (docs/decisions/0015).
   */
  static final int MAX_ENV_BYTES = 32 * 1024;

  private static final Set<String> FIELDS =
      Set.of(
          "name", "image", "timeoutMs", "memoryMb", "description", "env", "inputMode", "network",
          "maxConcurrency", "retries");
  // What GET returns besides the fields above, so a fetched function can be sent back as it is.
  private static final Set<String> READ_ONLY =
      Set.of("imageDigest", "status", "statusDetail", "createdAt", "updatedAt", "revision");
  private static final Pattern ENV_KEY = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

  /** The body of a create: the name is in the body and required. */
  static FunctionRequest forCreate(JsonNode body, int maxConcurrentPerUser) {
    JsonFields fields = JsonFields.of(body, FIELDS, READ_ONLY);
    return read(
        fields, checkName(fields.requiredString("name"), "field 'name'"), maxConcurrentPerUser);
  }

  /** The body of an update: the name comes from the path; a name in the body must agree. */
  static FunctionRequest forUpdate(JsonNode body, String pathName, int maxConcurrentPerUser) {
    JsonFields fields = JsonFields.of(body, FIELDS, READ_ONLY);
    fields
        .string("name")
        .filter(name -> !name.equals(pathName))
        .ifPresent(
            name -> {
              throw new InvalidRequest("field 'name' must be the name in the path or absent");
            });
    return read(fields, pathName, maxConcurrentPerUser);
  }

  /** {@code name} when it is a valid function name; else 400 naming {@code what}. */
  static String checkName(String name, String what) {
    if (!Names.isFunctionName(name)) {
      throw new InvalidRequest(
          what
              + " must be 1 to 63 characters: a lower-case letter, then lower-case letters,"
              + " digits or '-'");
    }
    return name;
  }

  /** The function this request describes, as owned by {@code owner}. */
  FunctionSpec toSpec(String owner, Instant createdAt, Instant updatedAt) {
    return new FunctionSpec(
        owner,
        name,
        image,
        ImageState.asIs(),
        timeoutMs,
        memoryMb,
        description,
        env,
        inputMode,
        network,
        maxConcurrency,
        createdAt,
        updatedAt,
        retries);
  }

  private static FunctionRequest read(JsonFields fields, String name, int maxConcurrentPerUser) {
    String image = fields.requiredString("image");
    if (Names.isImageId(image)) {
      throw new InvalidRequest(
          "field 'image' looks like an image id, which could run any local image with that id;"
              + " name the image by its reference, with a tag if its name is all hex digits"
              + " (such as 'cafe:1')");
    }
    if (!Names.isImageReference(image)) {
      throw new InvalidRequest(
          "field 'image' must be a Docker image reference such as 'busybox:1.36' or"
              + " 'registry.example:5000/team/fn@sha256:<digest>'");
    }
    int timeoutMs =
        fields
            .integer("timeoutMs", FunctionSpec.MIN_TIMEOUT_MS, FunctionSpec.MAX_TIMEOUT_MS)
            .orElse(FunctionSpec.DEFAULT_TIMEOUT_MS);
    int memoryMb =
        fields
            .integer("memoryMb", FunctionSpec.MIN_MEMORY_MB, FunctionSpec.MAX_MEMORY_MB)
            .orElse(FunctionSpec.DEFAULT_MEMORY_MB);
    String description = fields.string("description").orElse("");
    if (description.length() > MAX_DESCRIPTION_CHARS) {
      throw new InvalidRequest(
          "field 'description' must be at most " + MAX_DESCRIPTION_CHARS + " characters");
    }
    Map<String, String> env = fields.object("env").map(FunctionRequest::env).orElse(Map.of());
    InputMode inputMode =
        fields.string("inputMode").map(FunctionRequest::inputMode).orElse(InputMode.STDIN);
    boolean network = fields.bool("network").orElse(false);
    // 0: none of its own, the owner's limit alone.
    int maxConcurrency = fields.integer("maxConcurrency", 1, maxConcurrentPerUser).orElse(0);
    // Attempts an asynchronous activation may spend on the function's own failures.
    int retries = fields.integer("retries", 0, FunctionSpec.MAX_RETRIES).orElse(0);
    return new FunctionRequest(
        name, image, timeoutMs, memoryMb, description, env, inputMode, network, maxConcurrency,
        retries);
  }

  private static Map<String, String> env(JsonNode object) {
    if (object.size() > MAX_ENV_ENTRIES) {
      throw new InvalidRequest("field 'env' may have at most " + MAX_ENV_ENTRIES + " entries");
    }
    Map<String, String> env = new LinkedHashMap<>();
    long bytes = 0;
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      String key = entry.getKey();
      if (!ENV_KEY.matcher(key).matches()) {
        throw new InvalidRequest(
            "field 'env' has an invalid variable name; names match ^[A-Za-z_][A-Za-z0-9_]*$");
      }
      JsonNode value = entry.getValue();
      // Docker passes the environment as C strings: a NUL would silently cut the value.
      if (!value.isTextual() || value.textValue().indexOf('\0') >= 0) {
        throw new InvalidRequest("field 'env." + key + "' must be a string without NUL characters");
      }
      env.put(key, value.textValue());
      bytes += key.length() + 1 + value.textValue().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_ENV_BYTES) {
        throw new InvalidRequest(
            "field 'env' may have at most " + MAX_ENV_BYTES
                + " bytes of names and values (UTF-8) in all");
      }
    }
    return env;
  }

  private static InputMode inputMode(String value) {
    return switch (value) {
      case "stdin" -> InputMode.STDIN;
      case "arg" -> InputMode.ARG;
      default -> throw new InvalidRequest("field 'inputMode' must be \"stdin\" or \"arg\"");
    };
  }
}
