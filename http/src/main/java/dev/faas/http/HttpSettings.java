package dev.faas.http;

/**
 * The API's tunables, read by the node from its configuration.
 *
 * @param maxBodyBytes the largest request body accepted; over it, 413 (default {@value
 *     #DEFAULT_MAX_BODY_BYTES})
 * @param updateAttempts how often an update without {@code If-Match} re-reads and retries its
 *     compare-and-set when concurrent writes keep winning, before answering 409 (default {@value
 *     #DEFAULT_UPDATE_ATTEMPTS})
 */
public record HttpSettings(long maxBodyBytes, int updateAttempts) {
  /** 1 MiB, the contract's default. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /** Enough to get through a burst of concurrent writers without hiding a livelock. */
  public static final int DEFAULT_UPDATE_ATTEMPTS = 5;

  /** Refuses settings that would make every request fail. */
  public HttpSettings {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    if (updateAttempts < 1) {
      throw new IllegalArgumentException("updateAttempts must be at least 1");
    }
  }

  /** The defaults: a 1 MiB body limit and five update attempts. */
  public static HttpSettings defaults() {
    return new HttpSettings(DEFAULT_MAX_BODY_BYTES, DEFAULT_UPDATE_ATTEMPTS);
  }

  /** These settings with another body limit. */
  public HttpSettings withMaxBodyBytes(long bytes) {
    return new HttpSettings(bytes, updateAttempts);
  }
}
