package dev.faas.actors.store;

import dev.faas.actors.image.ImagePullReport;
import java.util.concurrent.CompletionStage;

/** Workers' reports of the images they pulled, one per image and worker, the last one winning. */
public interface ImagePullStore {

  /** Stores {@code report} in place of the worker's previous one about that image. */
  CompletionStage<Void> put(ImagePullReport report);

  /**
   * Delivers every report, then changes, to {@code listener} (keyed by the store's own keys),
   * again after each reconnect; closing the handle stops it.
   */
  AutoCloseable watch(ChangeListener<ImagePullReport> listener);
}
