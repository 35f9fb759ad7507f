package dev.faas.http;

import dev.faas.actors.model.ApiKey;

/**
 * The caller of an authenticated endpoint: a verified token, or a valid API key, whose user still
 * exists with the id the token or key was issued for.
 *
 * @param username the user's login name: what the API shows, and the key of the user record only
 * @param userId the user's id fixed at registration ({@code Names.isUserId}), which scopes every
 *     other store key the caller may touch, so a name registered again owns nothing of the old
 *     user's
 * @param key the API key the caller presented; null for a token (which may do everything)
 */
public record AuthenticatedUser(String username, String userId, ApiKey key) {

  /** A caller with a token. */
  public AuthenticatedUser(String username, String userId) {
    this(username, userId, null);
  }

  /** The id of the caller's key, or null for a token. */
  String keyId() {
    return key == null ? null : key.id();
  }
}
