package dev.faas.http;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A function's {@code revision} as the API shows it (and its {@code ETag}): a keyed hash of the
 * function's store key and its store revision, not the revision itself. The store revision is the
 * bucket's sequence number, so it would tell any user how many writes the whole platform has
 * seen; the hash tells nothing but "this version of this function". It is the same on every API
 * node (the key is derived from the cluster's token signing key), changes with every write, and
 * a deleted and registered again function never gets an old value back (its store revision is
 * new). {@code If-Match} is still exact: the named value is compared with the current entry's, and
 * the write is compare-and-set on that entry's store revision.
 */
final class Etags {
  private static final String ALGORITHM = "HmacSHA256";
  // Values stay below 2^53, so a JavaScript client reads the JSON number exactly.
  private static final long MASK = (1L << 53) - 1;

  private final SecretKeySpec key;

  /** @param key the hash key, at least 32 random bytes shared by every API node */
  Etags(byte[] key) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the ETag key needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  /** The revision shown for the entry {@code functionKey} at store revision {@code revision}. */
  long of(String functionKey, long revision) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(functionKey.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      byte[] digest = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(revision).array());
      return ByteBuffer.wrap(digest).getLong() & MASK;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
