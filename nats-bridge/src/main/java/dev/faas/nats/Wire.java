package dev.faas.nats;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkerEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON half of the binary-safe wire formats: a value as ASCII-only JSON with its one large
 * binary field (a parameter, a result) cut out, to travel beside it as raw bytes instead of
 * base64.
 *
 * <p>The JSON escapes every non-ASCII character and every control character, so it never holds a
 * byte above 0x7E, a CR or a LF: it is a valid NATS header value, and in a key-value entry a LF
 * can end it. Byte arrays pass through the tree as {@link BinaryNode}s, never as base64.
 */
final class Wire {
  private static final ObjectMapper MAPPER =
      JsonCodec.configured()
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .addMixIn(WorkerEvent.class, EventTypes.class)
          .addMixIn(ActivationRequest.class, RequestFields.class)
          .build();

  private Wire() {}

  /** The value as a JSON tree, its byte arrays still whole. */
  static ObjectNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** Removes the binary field at {@code path}; its bytes, empty when absent or null. */
  static byte[] cut(ObjectNode tree, String... path) {
    ObjectNode parent = parent(tree, path);
    JsonNode removed = parent == null ? null : parent.remove(path[path.length - 1]);
    if (removed == null || removed.isNull()) {
      return new byte[0];
    }
    try {
      return removed.binaryValue();
    } catch (IOException e) {
      throw new IllegalStateException("field " + String.join(".", path) + " is not binary", e);
    }
  }

  /** Puts {@code bytes} back at {@code path}, when the object holding it is there. */
  static void paste(ObjectNode tree, byte[] bytes, String... path) {
    ObjectNode parent = parent(tree, path);
    if (parent != null) {
      parent.set(path[path.length - 1], BinaryNode.valueOf(bytes));
    }
  }

  /** The tree as ASCII-only JSON. */
  static byte[] json(ObjectNode tree) {
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  /** @throws UncheckedIOException when {@code json} is not a JSON object */
  static ObjectNode parse(byte[] json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node instanceof ObjectNode object) {
        return object;
      }
      throw new IOException("not a JSON object");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @throws UncheckedIOException when the tree is not a valid {@code T} */
  static <T> T value(ObjectNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }

  private static ObjectNode parent(ObjectNode tree, String... path) {
    JsonNode node = tree;
    for (int i = 0; i < path.length - 1; i++) {
      node = node.get(path[i]);
    }
    return node instanceof ObjectNode object ? object : null;
  }

  /** Names each kind of {@link WorkerEvent} in a {@code type} field. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = WorkerEvent.Accepted.class, name = "accepted"),
    @JsonSubTypes.Type(value = WorkerEvent.Running.class, name = "running"),
    @JsonSubTypes.Type(value = WorkerEvent.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = WorkerEvent.Completed.class, name = "completed"),
    @JsonSubTypes.Type(value = WorkerEvent.Dropped.class, name = "dropped")
  })
  private abstract static class EventTypes {}

  /**
   * A request's trace context travels in the message's own W3C headers ({@link MessageCodec}),
   * where tracing libraries and NATS tools look for it, not in the JSON.
   */
  @JsonIgnoreProperties({"trace"})
  private abstract static class RequestFields {}
}
