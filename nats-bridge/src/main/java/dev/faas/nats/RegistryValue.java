package dev.faas.nats;

import java.time.Instant;

/**
 * The JSON of one entry in the {@code registries} bucket. The owner and host are the key's, not
 * repeated here, so a value copied under another key still names the key's owner and host (and
 * then fails to open, its seal being bound to the ones it was made for).
 *
 * @param username the registry username, in clear
 * @param sealedPassword the sealed password, base64 in the JSON
 * @param updatedAt when the entry was written
 */
record RegistryValue(String username, byte[] sealedPassword, Instant updatedAt) {}
