package dev.faas.docker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a worker keeps its engine's image store bounded ({@link ImageJanitor}): images pulled from
 * a registry that no function references go after a grace period, and the store is kept under a
 * size, since a worker that pulls every function's image would otherwise fill its disk.
 *
 * @param capBytes the most bytes the engine's images may take (as the engine lists their sizes);
 *     0: no size bound, only the grace rule removes images
 * @param grace how long a pulled image must have been unreferenced before it is removed: a
 *     function updated back to its old image, or created again, finds it still there
 * @param every how often the janitor looks; 0: never, the image store is left as it is (for an
 *     engine the worker shares with images of its own operator's, which would otherwise go too)
 */
public record ImageCacheSettings(long capBytes, Duration grace, Duration every) {
  /** 10 GiB. */
  public static final long DEFAULT_CAP_BYTES = 10L * 1024 * 1024 * 1024;

  public ImageCacheSettings {
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(every, "every");
    if (capBytes < 0) {
      throw new IllegalArgumentException("capBytes must not be negative");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative");
    }
    if (every.isNegative()) {
      throw new IllegalArgumentException("every must not be negative");
    }
  }

  /** 10 GiB, unreferenced images kept 10 minutes, a look every minute. */
  public static ImageCacheSettings defaults() {
    return new ImageCacheSettings(DEFAULT_CAP_BYTES, Duration.ofMinutes(10), Duration.ofMinutes(1));
  }

  /** Whether the janitor runs at all. */
  public boolean enabled() {
    return !every.isZero();
  }

  /** Whether the store has a size bound. */
  public boolean bounded() {
    return capBytes > 0;
  }
}
