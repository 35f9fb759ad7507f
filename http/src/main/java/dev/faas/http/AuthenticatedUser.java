package dev.faas.http;

/**
 * The caller of an authenticated endpoint: a verified token whose user still exists with the id the
 * token was issued for.
 *
 * @param username the user's name, which also scopes every store key the caller may touch
 * @param userId the user's id fixed at registration
 */
public record AuthenticatedUser(String username, String userId) {}
