package dev.faas.http;

/**
 * The API's tunables, read by the node from its configuration.
 *
 * @param maxBodyBytes the largest request body accepted; over it, 413 (default {@value
 *     #DEFAULT_MAX_BODY_BYTES})
 * @param updateAttempts how often an update without {@code If-Match} re-reads and retries its
 *     compare-and-set when concurrent writes keep winning, before answering 409 (default {@value
 *     #DEFAULT_UPDATE_ATTEMPTS})
 * @param maxConcurrentPerUser {@code FAAS_MAX_CONCURRENT_PER_USER}: shown on {@code
 *     /v1/users/me}, and the most a function's {@code maxConcurrency} may be
 * @param maxFunctionsPerUser {@code FAAS_MAX_FUNCTIONS_PER_USER}: past it a create answers 409
 */
public record HttpSettings(
    long maxBodyBytes, int updateAttempts, int maxConcurrentPerUser, int maxFunctionsPerUser) {
  /** 1 MiB, the contract's default. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /** Enough to get through a burst of concurrent writers without hiding a livelock. */
  public static final int DEFAULT_UPDATE_ATTEMPTS = 5;

  /** The default of {@code FAAS_MAX_CONCURRENT_PER_USER}: {@code FAAS_MAX_CONCURRENT}'s. */
  public static final int DEFAULT_MAX_CONCURRENT_PER_USER = 16;

  /** The contract's default of {@code FAAS_MAX_FUNCTIONS_PER_USER}. */
  public static final int DEFAULT_MAX_FUNCTIONS_PER_USER = 100;

  /** Settings with the default limits per user. */
  public HttpSettings(long maxBodyBytes, int updateAttempts) {
    this(
        maxBodyBytes, updateAttempts, DEFAULT_MAX_CONCURRENT_PER_USER,
        DEFAULT_MAX_FUNCTIONS_PER_USER);
  }

  /** Refuses settings that would make every request fail. */
  public HttpSettings {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    if (updateAttempts < 1) {
      throw new IllegalArgumentException("updateAttempts must be at least 1");
    }
    if (maxConcurrentPerUser < 1 || maxFunctionsPerUser < 1) {
      throw new IllegalArgumentException("the limits per user must be at least 1");
    }
  }

  /** The defaults: a 1 MiB body limit and five update attempts. */
  public static HttpSettings defaults() {
    return new HttpSettings(DEFAULT_MAX_BODY_BYTES, DEFAULT_UPDATE_ATTEMPTS);
  }

  /** These settings with another body limit. */
  public HttpSettings withMaxBodyBytes(long bytes) {
    return new HttpSettings(bytes, updateAttempts, maxConcurrentPerUser, maxFunctionsPerUser);
  }

  /** These settings with other limits per user. */
  public HttpSettings withUserLimits(int concurrent, int functions) {
    return new HttpSettings(maxBodyBytes, updateAttempts, concurrent, functions);
  }
}
