package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;

import java.util.Locale;
import java.util.Optional;
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

  Authenticator(TokenService tokens, Lookups lookups) {
    this.tokens = tokens;
    this.lookups = lookups;
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
          Optional<TokenClaims> claims = tokens.verify(token.get());
          if (claims.isEmpty()) {
            return invalidToken();
          }
          TokenClaims claimed = claims.get();
          return onComplete(
              lookups.user(claimed.username()),
              found -> {
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
              });
        });
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
