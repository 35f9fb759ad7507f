package dev.faas.node.callback;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs callback bodies the way the Standard Webhooks specification says, so that a receiver can verify
 * them with any of that specification's libraries.
 *
 * <p>A secret is {@code whsec_} followed by the base64 of its key bytes. The signed content is
 * {@code <webhook-id>.<webhook-timestamp>.<body>} (timestamp in unix seconds), the MAC is HMAC-SHA256
 * in standard base64, and the {@code webhook-signature} header is {@code v1,<mac>}; during a rotation one
 * signature per secret, separated by spaces, so that a receiver holding either secret accepts the call.
 */
public final class CallbackSignature {

  /** The prefix of a secret, as the specification's libraries expect it. */
  public static final String PREFIX = "whsec_";
  /** Length of the keys this platform makes. */
  public static final int KEY_BYTES = 32;

  private static final String VERSION = "v1,";
  private static final String HMAC = "HmacSHA256";

  private CallbackSignature() {}

  /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
  public static String newSecret(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The {@code webhook-signature} header value: {@code v1,<sig>} for each secret, in the given order,
   * separated by single spaces.
   *
   * @throws IllegalArgumentException if there is no secret, or one is not base64 (the message never
   *     contains the secret)
   */
  public static String header(List<String> secrets, String webhookId, long timestampSeconds, byte[] body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("a callback needs at least one signing secret");
    }
    List<String> signatures = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      signatures.add(sign(secret, webhookId, Long.toString(timestampSeconds), body));
    }
    return String.join(" ", signatures);
  }

  /** One signature, {@code v1,<base64 of HMAC-SHA256>}. */
  public static String sign(String secret, String webhookId, String timestamp, byte[] body) {
    return VERSION + Base64.getEncoder().encodeToString(mac(key(secret), webhookId, timestamp, body));
  }

  /**
   * Whether one of the {@code v1} signatures in a {@code webhook-signature} header was made with this
   * secret over this id, timestamp and body. Compares in constant time; ignores other versions. It does
   * not judge the timestamp's age: a receiver must also refuse stale timestamps.
   */
  public static boolean verify(String secret, String webhookId, String timestamp, byte[] body, String signatureHeader) {
    if (signatureHeader == null || signatureHeader.isBlank()) {
      return false;
    }
    byte[] expected = mac(key(secret), webhookId, timestamp, body);
    boolean found = false;
    for (String candidate : signatureHeader.strip().split(" +")) {
      if (!candidate.startsWith(VERSION)) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(VERSION.length()));
      } catch (IllegalArgumentException notBase64) {
        continue;
      }
      found |= MessageDigest.isEqual(expected, given);
    }
    return found;
  }

  private static byte[] key(String secret) {
    if (secret == null) {
      throw new IllegalArgumentException("no signing secret");
    }
    String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a signing secret is not " + PREFIX + "<base64>");    // not the secret itself
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("a signing secret is empty");
    }
    return key;
  }

  private static byte[] mac(byte[] key, String webhookId, String timestamp, byte[] body) {
    if (webhookId.indexOf('.') >= 0 || timestamp.indexOf('.') >= 0) {
      throw new IllegalArgumentException("webhook id and timestamp must not contain '.'");
    }
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
