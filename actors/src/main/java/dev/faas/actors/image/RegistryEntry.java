package dev.faas.actors.image;

import java.time.Instant;

/**
 * What a user may read back about credentials they stored: never the password.
 *
 * @param host the registry host, {@code host[:port]}
 * @param username the registry username
 * @param updatedAt when they were last written
 */
public record RegistryEntry(String host, String username, Instant updatedAt) {}
