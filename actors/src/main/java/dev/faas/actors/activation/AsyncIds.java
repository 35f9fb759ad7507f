package dev.faas.actors.activation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The ids of an asynchronous activation's attempts: derived from its own id and the attempt's
 * number, so that any API node finds the record of an attempt another node dispatched.
 */
public final class AsyncIds {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private AsyncIds() {}

  /** 24 lower-case alphanumerics, like every activation id. */
  public static String attempt(String activationId, int number) {
    byte[] hash;
    try {
      hash =
          MessageDigest.getInstance("SHA-256")
              .digest((activationId + "/" + number).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    char[] id = new char[24];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[(hash[i] & 0xff) % ALPHABET.length];
    }
    return new String(id);
  }
}
