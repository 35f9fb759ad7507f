package dev.faas.actors.model;

import java.time.Instant;

/**
 * A registered user.
 *
 * @param username the validated name, also the store key
 * @param passwordHash an encoded memory-hard hash (never the password)
 * @param userId a random id fixed at registration: tokens carry it, so a user deleted and
 *     registered again under the same name does not revive the old user's tokens; every piece of
 *     the user's data is keyed by it ({@link Names#isUserId}), never by the name
 * @param createdAt when the user registered
 */
public record User(String username, String passwordHash, String userId, Instant createdAt) {}
