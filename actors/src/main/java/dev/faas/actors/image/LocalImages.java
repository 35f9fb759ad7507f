package dev.faas.actors.image;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The images the node's own container engine already has (for the local-first policy). */
public interface LocalImages {

  /**
   * The engine's image by {@code reference}, as the repository digests it was pulled by ({@code
   * repo@sha256:...}; empty for an image built here and never pushed or pulled), or empty when the
   * engine has no image by that reference. Fails when the engine cannot be asked.
   */
  CompletionStage<Optional<List<String>>> repoDigests(String reference);
}
