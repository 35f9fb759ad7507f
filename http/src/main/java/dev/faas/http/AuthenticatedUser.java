package dev.faas.http;

/**
 * The caller of an authenticated endpoint: a verified token whose user still exists with the id the
 * token was issued for.
 *
 * @param username the user's login name: what the API shows, and the key of the user record only
 * @param userId the user's id fixed at registration ({@code Names.isUserId}), which scopes every
 *     other store key the caller may touch, so a name registered again owns nothing of the old
 *     user's
 */
public record AuthenticatedUser(String username, String userId) {}
