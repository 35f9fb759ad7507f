package dev.faas.nats;

import dev.faas.actors.activation.ActivationPage;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A listing's cursor: the stream sequence of the next summary to read, as eight bytes in
 * base64url without padding. Opaque to clients; whether it belongs to the caller's listing is
 * checked when it is read (the summary there must be on the listing's subject).
 */
final class IndexCursor {
  private static final int LENGTH = 11; // 8 bytes in base64url without padding

  private IndexCursor() {}

  static String encode(long sequence) {
    if (sequence < 1) {
      throw new IllegalArgumentException("no cursor for sequence " + sequence);
    }
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(ByteBuffer.allocate(8).putLong(sequence).array());
  }

  /** @throws ActivationPage.BadCursor when {@code cursor} is not one {@link #encode} made */
  static long decode(String cursor) {
    if (cursor == null || cursor.length() != LENGTH) {
      throw new ActivationPage.BadCursor("not a cursor of this listing");
    }
    long sequence;
    try {
      sequence = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor)).getLong();
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new ActivationPage.BadCursor("not a cursor of this listing");
    }
    if (sequence < 1 || !encode(sequence).equals(cursor)) {
      throw new ActivationPage.BadCursor("not a cursor of this listing");
    }
    return sequence;
  }
}
