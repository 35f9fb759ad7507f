package dev.faas.actors.model;

/**
 * A value as stored, with the key-value store's revision of it. The revision is what
 * compare-and-set updates name and what HTTP exposes as the {@code ETag}.
 */
public record Versioned<T>(T value, long revision) {}
