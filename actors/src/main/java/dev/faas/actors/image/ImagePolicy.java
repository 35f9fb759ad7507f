package dev.faas.actors.image;

import java.util.Locale;

/** Where functions' images come from ({@code FAAS_IMAGE_POLICY}). */
public enum ImagePolicy {
  /**
   * Every reference is resolved against its registry with the owner's credentials, and pinned
   * to its digest; an image cached on a worker is never a way around that. For shared clusters.
   */
  REGISTRY,
  /**
   * A reference the engine already has is used as it is (locally built images need no
   * registry); anything else is resolved as under {@link #REGISTRY}. For one machine, one operator.
   */
  LOCAL_FIRST;

  /** {@code registry} or {@code local-first}, as configured. */
  public static ImagePolicy parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "registry" -> REGISTRY;
      case "local-first" -> LOCAL_FIRST;
      default ->
          throw new IllegalArgumentException(
              "image policy must be 'registry' or 'local-first', not '" + value + "'");
    };
  }

  /** The configured spelling. */
  public String configValue() {
    return this == REGISTRY ? "registry" : "local-first";
  }
}
