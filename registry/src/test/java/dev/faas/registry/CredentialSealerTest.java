package dev.faas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialSealerTest {
  private static final String PASSWORD = "s3cret-Päss-🔑";

  private final byte[] key = key();
  private final CredentialSealer sealer = new CredentialSealer(key);

  @Test
  void opensWhatItSealedAndSealsTheSamePasswordDifferentlyEachTime() {
    byte[] first = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);
    byte[] second = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);

    assertEquals(PASSWORD, sealer.open("ann", "ghcr.io", "ci", first));
    assertEquals(PASSWORD, new CredentialSealer(key).open("ann", "ghcr.io", "ci", second));
    assertFalse(Arrays.equals(first, second), "a fresh nonce per seal");
    assertFalse(contains(first, PASSWORD.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anEmptyPasswordAndALongOneRoundTrip() {
    String longOne = "x".repeat(4096);
    assertEquals("", sealer.open("ann", "h.example", "u", sealer.seal("ann", "h.example", "u", "")));
    assertEquals(
        longOne, sealer.open("ann", "h.example", "u", sealer.seal("ann", "h.example", "u", longOne)));
  }

  @Test
  void aSealDoesNotOpenForAnotherOwnerHostOrUsername() {
    byte[] sealed = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);

    assertThrows(UnopenableCredentials.class, () -> sealer.open("bob", "ghcr.io", "ci", sealed));
    assertThrows(UnopenableCredentials.class, () -> sealer.open("ann", "quay.io", "ci", sealed));
    assertThrows(UnopenableCredentials.class, () -> sealer.open("ann", "ghcr.io", "cd", sealed));
    // Lengths come first in the associated data: moving a character across parts is not a match.
    byte[] shifted = sealer.seal("ann", "a.io", "b", PASSWORD);
    assertThrows(UnopenableCredentials.class, () -> sealer.open("ann", "a.i", "ob", shifted));
  }

  @Test
  void aSealDoesNotOpenUnderAnotherKey() {
    byte[] sealed = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);

    assertThrows(
        UnopenableCredentials.class,
        () -> new CredentialSealer(key()).open("ann", "ghcr.io", "ci", sealed));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 12, 13, -1}) // version, nonce, first and last byte of the cipher/tag
  void aSealWithAnyByteChangedDoesNotOpen(int index) {
    byte[] sealed = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);
    int at = index < 0 ? sealed.length + index : index;
    sealed[at] ^= 0x01;

    assertThrows(UnopenableCredentials.class, () -> sealer.open("ann", "ghcr.io", "ci", sealed));
  }

  @Test
  void aCutOrMissingSealDoesNotOpen() {
    byte[] sealed = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);

    for (int length : new int[] {0, 1, 13, 28, sealed.length - 1}) {
      byte[] cut = Arrays.copyOf(sealed, length);
      assertThrows(
          UnopenableCredentials.class, () -> sealer.open("ann", "ghcr.io", "ci", cut), "" + length);
    }
    assertThrows(UnopenableCredentials.class, () -> sealer.open("ann", "ghcr.io", "ci", null));
  }

  @Test
  void onlyA256BitKeyIsAccepted() {
    assertThrows(IllegalArgumentException.class, () -> new CredentialSealer(new byte[16]));
    assertThrows(IllegalArgumentException.class, () -> new CredentialSealer(new byte[33]));
    assertThrows(IllegalArgumentException.class, () -> new CredentialSealer(null));
  }

  @Test
  void theKeyIsCopiedAndNeverShown() {
    byte[] mine = key();
    CredentialSealer s = new CredentialSealer(mine);
    byte[] sealed = s.seal("ann", "ghcr.io", "ci", PASSWORD);
    Arrays.fill(mine, (byte) 0);

    assertEquals(PASSWORD, s.open("ann", "ghcr.io", "ci", sealed));
    assertFalse(s.toString().contains(HexFormat.of().formatHex(key)));
    assertNotEquals("", s.toString());
  }

  @Test
  void whyASealDoesNotOpenNeverCarriesThePassword() {
    byte[] sealed = sealer.seal("ann", "ghcr.io", "ci", PASSWORD);
    UnopenableCredentials e =
        assertThrows(UnopenableCredentials.class, () -> sealer.open("bob", "ghcr.io", "ci", sealed));
    assertFalse(e.getMessage().contains(PASSWORD));
  }

  static byte[] key() {
    byte[] k = new byte[CredentialSealer.KEY_BYTES];
    new SecureRandom().nextBytes(k);
    return k;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
