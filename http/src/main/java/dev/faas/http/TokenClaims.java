package dev.faas.http;

import java.time.Instant;

/**
 * What a verified token says about its holder. It is only a claim until the user is looked up: the
 * user must still exist with the same {@code userId}.
 *
 * @param username the {@code sub} claim
 * @param userId the {@code uid} claim, the user's id at the time the token was issued
 * @param tokenId the {@code jti} claim
 * @param expiresAt the {@code exp} claim
 */
public record TokenClaims(String username, String userId, String tokenId, Instant expiresAt) {}
