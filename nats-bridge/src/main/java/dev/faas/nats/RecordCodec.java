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
  static final String PREVIOUS = "previous";

  /**
   * A record's summary in the activation index: the record without {@code result} and {@code
   * logs} (both null), and the stream sequence of the summary before it on its subject (0: none).
   */
  record Summary(ActivationRecord record, long previous) {}

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

  /**
   * The record's summary as one line of ASCII-only JSON: the record without {@code result} and
   * {@code logs}, plus {@code previous}. A few hundred bytes whatever the record's size.
   */
  static byte[] encodeSummary(ActivationRecord record, long previous) {
    ObjectNode tree = Wire.tree(record);
    tree.remove("result");
    tree.remove("logs");
    tree.put(PREVIOUS, previous);
    return Wire.json(tree);
  }

  /** @throws UncheckedIOException when the value is not a summary */
  static Summary decodeSummary(byte[] value) {
    ObjectNode tree = Wire.parse(value);
    long previous = tree.path(PREVIOUS).asLong(-1);
    if (previous < 0) {
      throw new UncheckedIOException(new IOException("a summary without a valid previous"));
    }
    tree.remove(PREVIOUS);
    return new Summary(Wire.value(tree, ActivationRecord.class), previous);
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
