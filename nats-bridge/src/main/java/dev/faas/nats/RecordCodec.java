package dev.faas.nats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.actors.activation.ActivationRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Activation records as key-value values: the record without {@code result} as one line of
 * ASCII-only JSON, a LF, then the result byte for byte. The JSON cannot hold a LF of its own
 * ({@link Wire}), so the first LF ends it whatever the result holds.
 *
 * <p>A record too large for the space given keeps its JSON whole and loses the end of its result;
 * the JSON then says {@code "resultTruncated":true} and the original {@code "resultLength"}.
 * Readers of this version ignore both (the record type has no such field), so a truncated result
 * reads back as a shorter one; the server's max payload is what to fix (see the package docs).
 */
final class RecordCodec {
  static final String TRUNCATED = "resultTruncated";
  static final String LENGTH = "resultLength";
  private static final byte LF = '\n';
  private static final String[] RESULT = {"result"};

  /** A stored value, and whether its result had to be cut short to fit. */
  record Framed(byte[] value, boolean truncated) {}

  private RecordCodec() {}

  /**
   * The record's value, at most {@code maxBytes} long.
   *
   * @throws IllegalArgumentException when even the record without its result does not fit
   */
  static Framed encode(ActivationRecord record, int maxBytes) {
    ObjectNode tree = Wire.tree(record);
    byte[] result = Wire.cut(tree, RESULT);
    byte[] json = Wire.json(tree);
    boolean truncated = json.length + 1 + result.length > maxBytes;
    if (truncated) {
      tree.put(TRUNCATED, true);
      tree.put(LENGTH, result.length);
      json = Wire.json(tree);
      int keep = maxBytes - json.length - 1;
      if (keep < 0) {
        throw new IllegalArgumentException(
            "record " + record.activationId() + " does not fit " + maxBytes + " bytes");
      }
      result = Arrays.copyOf(result, keep);
    }
    byte[] value = Arrays.copyOf(json, json.length + 1 + result.length);
    value[json.length] = LF;
    System.arraycopy(result, 0, value, json.length + 1, result.length);
    return new Framed(value, truncated);
  }

  /** True when the value was stored with its result cut short. */
  static boolean isTruncated(byte[] value) {
    return Wire.parse(jsonPart(value)).path(TRUNCATED).asBoolean(false);
  }

  /** @throws UncheckedIOException when the value is not a record */
  static ActivationRecord decode(byte[] value) {
    byte[] json = jsonPart(value);
    ObjectNode tree = Wire.parse(json);
    Wire.paste(tree, Arrays.copyOfRange(value, json.length + 1, value.length), RESULT);
    return Wire.value(tree, ActivationRecord.class);
  }

  private static byte[] jsonPart(byte[] value) {
    int lf = -1;
    for (int i = 0; value != null && i < value.length; i++) {
      if (value[i] == LF) {
        lf = i;
        break;
      }
    }
    if (lf < 0) {
      throw new UncheckedIOException(new IOException("not a framed activation record"));
    }
    return Arrays.copyOf(value, lf);
  }
}
