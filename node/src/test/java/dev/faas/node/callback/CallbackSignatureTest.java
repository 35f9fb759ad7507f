package dev.faas.node.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackSignatureTest {

  // The test vector the Standard Webhooks specification and its reference libraries publish.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final String TIMESTAMP = "1614265330";
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void reproducesThePublishedVector() {
    assertEquals(EXPECTED, CallbackSignature.sign(SECRET, ID, TIMESTAMP, BODY));
    assertEquals(EXPECTED, CallbackSignature.header(List.of(SECRET), ID, 1614265330L, BODY));
  }

  @Test
  void theWhsecPrefixIsOptionalAsInTheReferenceLibraries() {
    assertEquals(EXPECTED, CallbackSignature.sign(SECRET.substring(6), ID, TIMESTAMP, BODY));
  }

  @Test
  void verifiesThePublishedVector() {
    assertTrue(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, EXPECTED));
  }

  @Test
  void refusesAnyChangeToIdTimestampBodyOrSecret() {
    assertFalse(CallbackSignature.verify(SECRET, "msg_other", TIMESTAMP, BODY, EXPECTED));
    assertFalse(CallbackSignature.verify(SECRET, ID, "1614265331", BODY, EXPECTED));
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), EXPECTED));
    assertFalse(CallbackSignature.verify(CallbackSignature.newSecret(new SecureRandom()), ID, TIMESTAMP, BODY, EXPECTED));
  }

  @Test
  void refusesMissingMalformedAndOtherVersionSignatures() {
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, null));
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, ""));
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v1,not*base64"));
    assertFalse(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v1,"));
  }

  @Test
  void duringARotationEachSecretSignsAndEitherVerifies() {
    String current = CallbackSignature.newSecret(new SecureRandom());
    String header = CallbackSignature.header(List.of(current, SECRET), ID, 1614265330L, BODY);
    String[] parts = header.split(" ");
    assertEquals(2, parts.length, header);
    assertEquals(CallbackSignature.sign(current, ID, TIMESTAMP, BODY), parts[0]);
    assertEquals(EXPECTED, parts[1]);
    assertTrue(CallbackSignature.verify(current, ID, TIMESTAMP, BODY, header));
    assertTrue(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, header));
    assertTrue(CallbackSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v1a,xyz v2,abc " + EXPECTED));
  }

  @Test
  void newSecretsAreWhsecAnd32RandomBytes() {
    SecureRandom random = new SecureRandom();
    String a = CallbackSignature.newSecret(random);
    String b = CallbackSignature.newSecret(random);
    assertTrue(a.startsWith("whsec_"), a);
    assertEquals(32, Base64.getDecoder().decode(a.substring(6)).length);
    assertNotEquals(a, b);
    assertTrue(CallbackSignature.verify(a, ID, TIMESTAMP, BODY, CallbackSignature.sign(a, ID, TIMESTAMP, BODY)));
  }

  @Test
  void aMalformedSecretIsRefusedWithoutBeingEchoed() {
    String bad = "whsec_not*base64*secret";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CallbackSignature.sign(bad, ID, TIMESTAMP, BODY));
    assertFalse(e.getMessage().contains("not*base64*secret"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CallbackSignature.header(List.of(), ID, 1L, BODY));
  }

  @Test
  void anIdWithADotCannotForgeTheSignedContent() {
    assertThrows(IllegalArgumentException.class, () -> CallbackSignature.sign(SECRET, "msg.1", TIMESTAMP, BODY));
  }
}
