package dev.faas.registry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals registry passwords with AES-256-GCM under the platform's registry key, so that what the
 * store holds is useless without that key (which lives in the config bucket, not beside the
 * values).
 *
 * <p>A seal is {@code version (1 byte) | nonce (12 bytes) | ciphertext and tag}, with a fresh
 * random nonce per seal (GCM must never reuse one under a key; 2^32 seals under one key keep the
 * chance of a collision negligible). The associated data binds the seal to the owner, the host and
 * the username it was made for: a seal copied under another user's or another host's key, or
 * beside another username, does not open. Thread-safe: each call makes its own {@link Cipher}.
 */
public final class CredentialSealer {
  /** The length of the platform key: AES-256. */
  public static final int KEY_BYTES = 32;

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final byte[] CONTEXT =
      "faas registry credentials v1".getBytes(StandardCharsets.UTF_8);

  private final SecretKeySpec key;
  private final SecureRandom random;

  /**
   * @param key {@value #KEY_BYTES} random bytes; copied
   * @throws IllegalArgumentException when the key has another length
   */
  public CredentialSealer(byte[] key) {
    this(key, new SecureRandom());
  }

  CredentialSealer(byte[] key, SecureRandom random) {
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the registry key must be " + KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.random = random;
  }

  /** {@code password} sealed for {@code owner}'s {@code username} at {@code host}. */
  public byte[] seal(String owner, String host, String username, String password) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(owner, host, username));
      byte[] sealed = cipher.doFinal(password.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      // Every JDK has AES-GCM: only a broken runtime gets here.
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The password in {@code sealed}, when it was sealed under this key for exactly this owner,
   * host and username and not changed since.
   *
   * @throws UnopenableCredentials otherwise: another key, other associated data, a changed or cut
   *     seal, an unknown version
   */
  public String open(String owner, String host, String username, byte[] sealed) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new UnopenableCredentials(host, "not a seal this platform makes");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      cipher.updateAAD(aad(owner, host, username));
      byte[] clear = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
      try {
        return new String(clear, StandardCharsets.UTF_8);
      } finally {
        Arrays.fill(clear, (byte) 0);
      }
    } catch (AEADBadTagException e) {
      throw new UnopenableCredentials(host, "its tag does not verify");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  // Each part with its length first, so that no two (owner, host, username) give the same bytes.
  private static byte[] aad(String owner, String host, String username) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part :
        new byte[][] {
          CONTEXT,
          owner.getBytes(StandardCharsets.UTF_8),
          host.getBytes(StandardCharsets.UTF_8),
          username.getBytes(StandardCharsets.UTF_8)
        }) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(part.length).array());
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Never the key. */
  @Override
  public String toString() {
    return "CredentialSealer[AES-256-GCM]";
  }
}
