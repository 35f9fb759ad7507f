package dev.faas.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.faas.actors.model.Names;
import dev.faas.actors.model.User;
import dev.faas.actors.store.ConfigStore;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Issues and verifies the API's bearer tokens: JWTs signed with HS256 under a key shared by every
 * node, so any node accepts a token any other node issued.
 *
 * <p>Verification accepts exactly one shape and refuses everything else without saying why (the
 * caller answers 401 either way): header {@code alg} HS256 (so never {@code none} nor another
 * algorithm under the same key), a valid signature, issuer {@value #ISSUER}, a {@code sub} that is
 * a valid username, a {@code uid}, an {@code iat} not in the future and an {@code exp} not past
 * (both up to {@link #CLOCK_SKEW}), and a lifetime {@code exp - iat} no longer than the configured
 * TTL (plus the skew). The last bounds what a stolen signing key is worth: a forged token expires
 * like a real one. Lowering the TTL therefore also ends tokens issued under a longer one.
 */
public final class TokenService {
  /** The {@code iss} claim of every token. */
  public static final String ISSUER = "faas";

  /** The default lifetime of a token. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** Tolerated difference between the clocks of the node that issued and the one that verifies. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** The config store key of the cluster's signing key. */
  public static final String SIGNING_KEY_CONFIG = "jwt-signing-key";

  /** The size of a signing key this service generates. */
  public static final int GENERATED_KEY_BYTES = 32;

  /** The smallest key HS256 is secure with: as long as its output. */
  public static final int MIN_KEY_BYTES = 32;

  // A real token is a few hundred bytes; refusing giant input keeps parsing cheap for attackers.
  private static final int MAX_TOKEN_CHARS = 4096;
  private static final String USER_ID_CLAIM = "uid";

  private final byte[] etagKey;
  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Clock clock;
  private final Duration ttl;

  /**
   * @param signingKey at least {@value #MIN_KEY_BYTES} random bytes, the same on every node (the
   *     node reads it from the config store under {@code jwt-signing-key}); copied
   * @param clock the time tokens are issued and checked at
   * @param ttl how long a token is accepted after it is issued
   * @throws IllegalArgumentException when the key is too short or the TTL not positive
   */
  public TokenService(byte[] signingKey, Clock clock, Duration ttl) {
    if (signingKey == null || signingKey.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the signing key needs at least " + MIN_KEY_BYTES + " bytes");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the token TTL must be positive");
    }
    try {
      this.signer = new MACSigner(signingKey.clone());
      this.verifier = new MACVerifier(signingKey.clone());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable signing key", e);
    }
    this.etagKey = derive(signingKey, "faas-etag-v1");
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * The key functions' ETags are hashed under ({@link Etags}): derived from the signing key with
   * its own label, so it is the same on every node and is no signing key itself.
   */
  Etags etags() {
    return new Etags(etagKey);
  }

  private static byte[] derive(byte[] signingKey, String label) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(signingKey, "HmacSHA256"));
      return mac.doFinal(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A service issuing tokens valid for {@link #DEFAULT_TTL}. */
  public TokenService(byte[] signingKey, Clock clock) {
    this(signingKey, clock, DEFAULT_TTL);
  }

  /**
   * A service whose key is the cluster's: read from {@code config} under {@value
   * #SIGNING_KEY_CONFIG}, or created there with create-if-absent from {@value #GENERATED_KEY_BYTES}
   * fresh random bytes, so every node, even several starting at once, signs with the same key.
   *
   * @param config the cluster-wide config store
   * @param clock the time tokens are issued and checked at
   * @param ttl how long a token is accepted after it is issued
   * @return the service, once the key has been read
   */
  public static CompletionStage<TokenService> fromConfig(
      ConfigStore config, Clock clock, Duration ttl) {
    return config
        .getOrCreate(SIGNING_KEY_CONFIG, TokenService::generateKey)
        .thenApply(key -> new TokenService(key, clock, ttl));
  }

  private static byte[] generateKey() {
    byte[] key = new byte[GENERATED_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Signs a token for {@code user}, valid from now for the TTL. */
  public IssuedToken issue(User user) {
    // JWT times are whole seconds; truncating first makes expiresAt equal the exp claim.
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(ttl);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(user.username())
            .claim(USER_ID_CLAIM, user.userId())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expiresAt))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("token could not be signed", e);
    }
    return new IssuedToken(jwt.serialize(), expiresAt);
  }

  /** The token's claims when it is genuine and current; empty for anything else. */
  public Optional<TokenClaims> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    try {
      // SignedJWT.parse refuses "alg":"none" (that is a plain JWT, not a JWS) before we look.
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      return accept(jwt.getJWTClaimsSet());
    } catch (ParseException | JOSEException | RuntimeException e) {
      // Malformed input of any kind is just a token we do not accept.
      return Optional.empty();
    }
  }

  private Optional<TokenClaims> accept(JWTClaimsSet claims) throws ParseException {
    Instant now = clock.instant();
    Date expires = claims.getExpirationTime();
    Date issued = claims.getIssueTime();
    String userId = claims.getStringClaim(USER_ID_CLAIM);
    boolean valid =
        ISSUER.equals(claims.getIssuer())
            && Names.isUsername(claims.getSubject())
            // Every key of the user's data is built from it: the strict form, never a subject.
            && Names.isUserId(userId)
            && expires != null
            && issued != null
            && now.isBefore(expires.toInstant().plus(CLOCK_SKEW))
            && !issued.toInstant().isAfter(now.plus(CLOCK_SKEW))
            // A token never lives longer than this node would have issued it for: whoever got
            // hold of the key cannot mint a token for a year (issue 13, "The bus is open").
            && !expires.toInstant().isAfter(issued.toInstant().plus(ttl).plus(CLOCK_SKEW));
    return valid
        ? Optional.of(
            new TokenClaims(claims.getSubject(), userId, claims.getJWTID(), expires.toInstant()))
        : Optional.empty();
  }
}
