package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.faas.actors.fakes.MutableClock;
import dev.faas.actors.model.User;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenServiceTest {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key = ApiFixture.randomKey();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00.750Z"));
  private final TokenService tokens = new TokenService(key, clock, Duration.ofHours(1));
  private final User alice =
      new User("alice", "hash", "a11ce000-0000-4000-8000-00000000a11c", Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void issuedTokenVerifiesWithItsClaims() {
    IssuedToken issued = tokens.issue(alice);
    assertEquals(Instant.parse("2025-03-01T13:00:00Z"), issued.expiresAt());
    TokenClaims claims = tokens.verify(issued.token()).orElseThrow();
    assertEquals("alice", claims.username());
    assertEquals("a11ce000-0000-4000-8000-00000000a11c", claims.userId());
    assertEquals(issued.expiresAt(), claims.expiresAt());
    assertTrue(claims.tokenId() != null && !claims.tokenId().isEmpty());
  }

  @Test
  void anotherNodeWithTheSameKeyAcceptsIt() {
    TokenService otherNode = new TokenService(key.clone(), clock);
    assertTrue(otherNode.verify(tokens.issue(alice).token()).isPresent());
  }

  @Test
  void nodesStartedFromTheSameConfigStoreShareTheKey() {
    InMemoryConfigStore config = new InMemoryConfigStore();
    TokenService first =
        TokenService.fromConfig(config, clock, Duration.ofHours(1)).toCompletableFuture().join();
    TokenService second =
        TokenService.fromConfig(config, clock, Duration.ofHours(1)).toCompletableFuture().join();
    assertTrue(second.verify(first.issue(alice).token()).isPresent());
    TokenService elsewhere =
        TokenService.fromConfig(new InMemoryConfigStore(), clock, Duration.ofHours(1))
            .toCompletableFuture()
            .join();
    assertEquals(Optional.empty(), elsewhere.verify(first.issue(alice).token()));
  }

  @Test
  void expiredTokenIsRefusedAfterTheSkew() {
    String token = tokens.issue(alice).token();
    clock.advance(Duration.ofHours(1).plus(TokenService.CLOCK_SKEW).minusSeconds(1));
    assertTrue(tokens.verify(token).isPresent(), "within the tolerated skew");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Optional.empty(), tokens.verify(token));
  }

  @Test
  void tokenFromTheFutureIsRefused() {
    String token = tokens.issue(alice).token();
    clock.advance(Duration.ofMinutes(-5));
    assertEquals(Optional.empty(), tokens.verify(token));
  }

  @Test
  void tamperedSignatureIsRefused() {
    String[] parts = tokens.issue(alice).token().split("\\.");
    byte[] signature = B64D.decode(parts[2]);
    signature[0] ^= 1;
    assertEquals(
        Optional.empty(),
        tokens.verify(parts[0] + "." + parts[1] + "." + B64.encodeToString(signature)));
  }

  @Test
  void tamperedPayloadIsRefused() {
    String[] parts = tokens.issue(alice).token().split("\\.");
    String payload =
        new String(B64D.decode(parts[1]), StandardCharsets.UTF_8).replace("alice", "mallory");
    String forged =
        parts[0]
            + "."
            + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertEquals(Optional.empty(), tokens.verify(forged));
  }

  @Test
  void algNoneIsRefused() {
    String[] parts = tokens.issue(alice).token().split("\\.");
    String none =
        B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), tokens.verify(none + "." + parts[1] + "."));
    assertEquals(Optional.empty(), tokens.verify(none + "." + parts[1] + "." + parts[2]));
  }

  @Test
  void hs512UnderTheSameKeyIsRefused() throws Exception {
    String[] parts = tokens.issue(alice).token().split("\\.");
    String header =
        B64.encodeToString("{\"alg\":\"HS512\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String signingInput = header + "." + parts[1];
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(key, "HmacSHA512"));
    String signature =
        B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(Optional.empty(), tokens.verify(signingInput + "." + signature));
  }

  @Test
  void anotherKeyIsRefused() {
    TokenService stranger = new TokenService(ApiFixture.randomKey(), clock);
    assertEquals(Optional.empty(), tokens.verify(stranger.issue(alice).token()));
  }

  @Test
  void wrongIssuerIsRefused() throws Exception {
    assertEquals(Optional.empty(), tokens.verify(sign(claims().issuer("someone-else").build())));
  }

  @Test
  void missingExpiryOrUserIdIsRefused() throws Exception {
    assertEquals(Optional.empty(), tokens.verify(sign(claims().expirationTime(null).build())));
    assertEquals(Optional.empty(), tokens.verify(sign(claims().claim("uid", null).build())));
  }

  @Test
  void tokenLivingLongerThanTheTtlIsRefused() throws Exception {
    // Forged with the real key (as anyone who read it off the bus could): a one-year token.
    Instant now = clock.instant();
    String yearLong = sign(claims().expirationTime(Date.from(now.plus(Duration.ofDays(365)))).build());
    assertEquals(Optional.empty(), tokens.verify(yearLong));
    Duration justOver = Duration.ofHours(1).plus(TokenService.CLOCK_SKEW).plusSeconds(1);
    assertEquals(
        Optional.empty(), tokens.verify(sign(claims().expirationTime(Date.from(now.plus(justOver))).build())));
    Duration withinSkew = Duration.ofHours(1).plus(TokenService.CLOCK_SKEW);
    assertTrue(
        tokens.verify(sign(claims().expirationTime(Date.from(now.plus(withinSkew))).build())).isPresent());
  }

  @Test
  void tokenWithoutIssueTimeIsRefused() throws Exception {
    assertEquals(Optional.empty(), tokens.verify(sign(claims().issueTime(null).build())));
  }

  @Test
  void wellFormedHandMadeTokenIsAccepted() throws Exception {
    // The control for the two tests above: only the one changed claim makes them fail.
    assertTrue(tokens.verify(sign(claims().build())).isPresent());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a.b.c", "...", "Bearer x", "eyJhbGciOiJIUzI1NiJ9.e30."})
  void malformedInputIsRefused(String token) {
    assertEquals(Optional.empty(), tokens.verify(token));
  }

  @Test
  void nullAndHugeInputAreRefused() {
    assertEquals(Optional.empty(), tokens.verify(null));
    assertEquals(Optional.empty(), tokens.verify("a".repeat(10_000)));
  }

  @Test
  void shortKeyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TokenService(new byte[31], clock));
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer("faas")
        .subject("alice")
        .claim("uid", "a11ce000-0000-4000-8000-00000000a11c")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(600)))
        .jwtID("j");
  }

  private String sign(JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }
}
