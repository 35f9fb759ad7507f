package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Turns {@code Authorization: Bearer <token>} into an {@link AuthenticatedUser}, or answers 401
 * with {@code WWW-Authenticate: Bearer} ({@code error="invalid_token"} when a bearer token was sent
 * but refused). A token is accepted only when it verifies and its user still exists with the id the
 * token names: so deleting a user ends its tokens at once, and a user registered again under the
 * same name does not inherit the old user's tokens. Identity is never taken from any other header.
 */
final class Authenticator {
  private static final String SCHEME = "bearer ";
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  private final TokenService tokens;
  private final Lookups lookups;
  private final KeyUsage usage;
  private final Clock clock;

  Authenticator(TokenService tokens, Lookups lookups, KeyUsage usage, Clock clock) {
    this.tokens = tokens;
    this.lookups = lookups;
    this.usage = usage;
    this.clock = clock;
  }

  Route authenticated(Function<AuthenticatedUser, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> token = header.flatMap(Authenticator::bearerToken);
          if (token.isEmpty()) {
            return header.filter(Authenticator::isBearer).isPresent()
                ? invalidToken()
                : missingToken();
          }
          if (KeySecrets.looksLikeKey(token.get())) {
            return withKey(token.get(), inner);
          }
          Optional<TokenClaims> claims = tokens.verify(token.get());
          if (claims.isEmpty()) {
            return invalidToken();
          }
          TokenClaims claimed = claims.get();
          // Logged where the lookup completes: with this request's id (RequestIds).
          return onComplete(
              lookups.user(claimed.username()),
              RequestIds.logging(found -> {
                if (found.isFailure()) {
                  return complete(Responses.failure(found.failed().get()));
                }
                return found
                    .get()
                    .filter(user -> user.value().userId().equals(claimed.userId()))
                    .map(
                        user ->
                            inner.apply(
                                new AuthenticatedUser(claimed.username(), claimed.userId())))
                    .orElseGet(Authenticator::invalidToken);
              }));
        });
  }

  /**
   * An API key is accepted when its entry exists (revoked: gone from the cache once the watch
   * says so), its secret matches the stored hash, it has not expired, and its user still exists
   * with the id the key was made for.
   */
  private Route withKey(String presented, Function<AuthenticatedUser, Route> inner) {
    Optional<KeySecrets.Presented> parsed = KeySecrets.parse(presented);
    if (parsed.isEmpty()) {
      return invalidToken();
    }
    KeySecrets.Presented key = parsed.get();
    return onComplete(
        lookups
            .key(key.id())
            .thenCompose(
                found -> {
                  Optional<Versioned<ApiKey>> valid =
                      found.filter(
                          k ->
                              KeySecrets.matches(key.secret(), k.value().secretHash())
                                  && !k.value().expiredAt(clock.instant()));
                  if (valid.isEmpty()) {
                    return CompletableFuture.completedFuture(Optional.<Versioned<ApiKey>>empty());
                  }
                  ApiKey k = valid.get().value();
                  return lookups
                      .user(k.username())
                      .thenApply(
                          user ->
                              user.filter(u -> u.value().userId().equals(k.owner()))
                                  .map(u -> valid.get()));
                }),
        RequestIds.logging(found -> {
          if (found.isFailure()) {
            return complete(Responses.failure(found.failed().get()));
          }
          return found
              .get()
              .map(
                  k -> {
                    usage.used(k);
                    return inner.apply(
                        new AuthenticatedUser(k.value().username(), k.value().owner(), k.value()));
                  })
              .orElseGet(Authenticator::invalidToken);
        }));
  }

  private static boolean isBearer(String header) {
    String trimmed = header.strip().toLowerCase(Locale.ROOT);
    return trimmed.equals("bearer") || trimmed.startsWith(SCHEME);
  }

  /**
   * The token of a {@code Bearer} header: one b64token after the scheme (RFC 6750, 2.1). Anything
   * else is refused before it is parsed, so a lenient JWT decoder never gets to accept, say, a
   * token with a stray comma.
   */
  static Optional<String> bearerToken(String header) {
    String trimmed = header.strip();
    if (!trimmed.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      return Optional.empty();
    }
    String token = trimmed.substring(SCHEME.length()).strip();
    return B64TOKEN.matcher(token).matches() ? Optional.of(token) : Optional.empty();
  }

  private static Route missingToken() {
    return Problem.of(StatusCodes.UNAUTHORIZED, "a bearer token is required")
        .withHeader("WWW-Authenticate", "Bearer")
        .toRoute();
  }

  private static Route invalidToken() {
    return Problem.of(StatusCodes.UNAUTHORIZED, "the bearer token is invalid or expired")
        .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .toRoute();
  }
}
