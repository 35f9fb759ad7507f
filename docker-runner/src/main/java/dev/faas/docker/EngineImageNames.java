package dev.faas.docker;

import dev.faas.actors.model.ImageNames;
import java.util.Locale;

/**
 * An image reference as the engine prints it in an image's RepoTags and RepoDigests, so that a
 * function's reference can be matched against what the engine lists: the default registry's host
 * dropped ({@code docker.io/library/alpine:3} and {@code alpine:3} are both {@code alpine:3},
 * {@code docker.io/team/fn} is {@code team/fn:latest}), a missing tag read as {@code latest}, and a
 * pinned reference ({@code repo:tag@sha256:..}) as {@code repo@sha256:..}, the tag dropped since
 * the engine records a pull by digest under the digest only.
 */
final class EngineImageNames {
  private static final String LEGACY_DEFAULT_HOST = "index.docker.io";

  private EngineImageNames() {}

  /** {@code reference} in the engine's printed form. */
  static String of(String reference) {
    String host = ImageNames.host(reference);
    String path = ImageNames.path(reference);
    String repository;
    boolean defaultHost =
        host.equals(ImageNames.DEFAULT_HOST)
            || host.toLowerCase(Locale.ROOT).equals(LEGACY_DEFAULT_HOST);
    if (defaultHost) {
      repository = path.startsWith("library/") ? path.substring("library/".length()) : path;
    } else {
      repository = host + "/" + path;
    }
    String digest = ImageNames.digest(reference);
    return digest != null
        ? repository + "@" + digest
        : repository + ":" + ImageNames.tag(reference);
  }
}
