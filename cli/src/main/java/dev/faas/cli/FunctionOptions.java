package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that describe a function ({@code fn create}, {@code fn update}), and how they turn
 * into the API's body: only the options given change anything.
 */
public final class FunctionOptions {
  /** The fields a client may write: the body of {@code POST}/{@code PUT /v1/functions}. */
  public static final List<String> WRITABLE =
      List.of("name", "image", "timeoutMs", "memoryMb", "description", "env", "inputMode", "network", "maxConcurrency");

  @Option(names = "--image", paramLabel = "REF", description = "The Docker image reference, e.g. registry:5000/team/echo:1.")
  String image;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "How long it may run: 500ms, 5s, 2m (default 30s).")
  String timeout;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Its memory: 64Mi, 1Gi (default 128Mi).")
  String memory;

  @Option(names = "--env", paramLabel = "KEY=VALUE", description = "An environment variable (repeatable).")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--unset-env", paramLabel = "KEY", description = "Remove an environment variable (update; repeatable).")
  List<String> unsetEnv = new ArrayList<>();

  @Option(names = "--max-concurrency", paramLabel = "N", description = "The most activations of it running at once.")
  Integer maxConcurrency;

  @Option(names = "--description", paramLabel = "TEXT", description = "A description.")
  String description;

  @Option(names = "--input-mode", paramLabel = "MODE", description = "stdin (default) or arg: where the parameter goes.")
  String inputMode;

  @Option(names = "--network", arity = "0..1", paramLabel = "BOOL", description = "Give the container a network (--network=false to take it away).")
  Boolean network;

  /**
   * The body for {@code name}: the writable fields of {@code current} (null for a new function)
   * with every option given applied on top.
   */
  public ObjectNode body(String name, JsonNode current) {
    ObjectNode body = Json.object();
    body.put("name", name);
    if (current != null) {
      for (String field : WRITABLE) {
        if (current.has(field) && !current.get(field).isNull() && !field.equals("name")) {
          body.set(field, current.get(field).deepCopy());
        }
      }
    }
    if (image != null) {
      body.put("image", image);
    }
    if (timeout != null) {
      body.put("timeoutMs", Units.millis(timeout));
    }
    if (memory != null) {
      body.put("memoryMb", Units.megabytes(memory));
    }
    if (!env.isEmpty() || !unsetEnv.isEmpty()) {
      ObjectNode vars = body.has("env") ? (ObjectNode) body.get("env") : Json.object();
      env.forEach(vars::put);
      unsetEnv.forEach(vars::remove);
      body.set("env", vars);
    }
    if (maxConcurrency != null) {
      body.put("maxConcurrency", maxConcurrency);
    }
    if (description != null) {
      body.put("description", description);
    }
    if (inputMode != null) {
      body.put("inputMode", inputMode);
    }
    if (network != null) {
      body.put("network", network);
    }
    return body;
  }
}
