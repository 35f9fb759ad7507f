package dev.faas.actors.outcome;

/** Which concurrency limit refused an activation (docs/decisions/0015-per-user-limits.md). */
public enum LimitReached {
  /** {@code FAAS_MAX_CONCURRENT}: the cluster's. */
  CLUSTER,
  /** {@code FAAS_MAX_CONCURRENT_PER_USER}: the caller's. */
  USER,
  /** The function's own {@code maxConcurrency}. */
  FUNCTION
}
