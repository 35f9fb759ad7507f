package dev.faas.http;

import java.time.Instant;

/**
 * A freshly signed bearer token.
 *
 * @param token the compact JWT to send as {@code Authorization: Bearer <token>}
 * @param expiresAt when it stops being accepted (whole seconds, as in its {@code exp} claim)
 */
public record IssuedToken(String token, Instant expiresAt) {}
