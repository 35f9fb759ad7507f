package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The API key a client holds: {@code fk_<id>_<secret>}, the id 20 hex digits (80 random bits),
 * the secret 32 random bytes in base64url (256 bits). The prefix tells a key from a token (a JWT
 * starts with {@code eyJ}); the id finds the stored entry in one step; only SHA-256 of the secret
 * is stored (decision 0016: the secret is random, so a fast hash is enough, unlike a password).
 */
final class KeySecrets {
  static final String PREFIX = "fk_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder SECRET = Base64.getUrlEncoder().withoutPadding();
  private static final int SECRET_CHARS = 43; // 32 bytes in base64url without padding

  /** A key as it is parsed: which entry it names and the secret it presents. */
  record Presented(String id, String secret) {
    @Override
    public String toString() {
      return "Presented[id=" + id + "]"; // never the secret
    }
  }

  /** A fresh key: the string shown once, and what is stored of it. */
  record Fresh(String id, String key, String secretHash) {
    @Override
    public String toString() {
      return "Fresh[id=" + id + "]";
    }
  }

  private KeySecrets() {}

  static boolean looksLikeKey(String bearer) {
    return bearer.startsWith(PREFIX);
  }

  static Fresh generate() {
    byte[] id = new byte[10];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String idText = HexFormat.of().formatHex(id);
    String secretText = SECRET.encodeToString(secret);
    return new Fresh(idText, PREFIX + idText + "_" + secretText, hash(secretText));
  }

  /** The id and secret of a well-formed key; empty for anything else. */
  static Optional<Presented> parse(String key) {
    if (!key.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = key.substring(PREFIX.length());
    int sep = rest.indexOf('_');
    if (sep < 0) {
      return Optional.empty();
    }
    String id = rest.substring(0, sep);
    String secret = rest.substring(sep + 1);
    if (!ApiKey.isId(id) || secret.length() != SECRET_CHARS) {
      return Optional.empty();
    }
    return Optional.of(new Presented(id, secret));
  }

  /** Whether {@code secret} is the one {@code stored} was made of, in constant time. */
  static boolean matches(String secret, String stored) {
    if (stored == null) {
      return false;
    }
    return MessageDigest.isEqual(
        hash(secret).getBytes(StandardCharsets.US_ASCII),
        stored.getBytes(StandardCharsets.US_ASCII));
  }

  static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
