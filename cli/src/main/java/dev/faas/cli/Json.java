package dev.faas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;

/** The JSON and YAML mappers: the client handles the API's bodies as trees, never as classes. */
public final class Json {
  public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private Json() {}

  /** The YAML mapper, made on first use: most runs never load SnakeYAML (a short-lived JVM's start counts). */
  public static ObjectMapper yaml() {
    return YamlHolder.YAML;
  }

  private static final class YamlHolder {
    static final ObjectMapper YAML =
        new ObjectMapper(
            YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build());
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Compact JSON bytes, for request bodies. */
  public static byte[] bytes(JsonNode node) {
    try {
      return new ObjectMapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The tree, or null when {@code body} is not JSON. */
  public static JsonNode readOrNull(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
