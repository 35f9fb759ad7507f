package dev.faas.docker;

import java.util.Optional;

/** Hears how each pull of an image ended (once per pull, however many starts waited for it). */
@FunctionalInterface
public interface PullListener {
  /** Hears nothing. */
  PullListener NONE = (image, failure) -> {};

  /**
   * {@code image} is on the engine now ({@code failure} empty), or could not be pulled, with the
   * reason. Called on the runtime's executor; must not block.
   */
  void ended(String image, Optional<String> failure);
}
