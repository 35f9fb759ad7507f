package dev.faas.actors.image;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageState;
import java.util.Collection;
import java.util.Comparator;

/**
 * A function's image status, decided from the workers' pull reports about its run image: ready
 * as soon as one worker has it (the others pull on demand), failed when every worker that tried
 * failed (the latest reason shown), pending while none has reported yet. An image used as it is
 * (no digest) needs no pull: it is ready.
 */
public final class ImageStatuses {
  private ImageStatuses() {}

  /** The state {@code function} answers with, given the reports about its run image. */
  public static ImageState of(FunctionSpec function, Collection<ImagePullReport> reports) {
    ImageState pinned = function.imageState();
    if (pinned.digest() == null || pinned.status() == ImageState.Status.FAILED) {
      return pinned;
    }
    String image = function.runImage();
    boolean anyPulled = false;
    ImagePullReport latestFailure = null;
    for (ImagePullReport report : reports) {
      if (!report.image().equals(image)) {
        continue;
      }
      if (report.pulled()) {
        anyPulled = true;
      } else if (latestFailure == null
          || Comparator.comparing(ImagePullReport::at).compare(report, latestFailure) > 0) {
        latestFailure = report;
      }
    }
    if (anyPulled) {
      return pinned;
    }
    if (latestFailure != null) {
      return new ImageState(
          pinned.digest(),
          ImageState.Status.FAILED,
          "workers could not pull " + image + ": " + latestFailure.detail());
    }
    return new ImageState(pinned.digest(), ImageState.Status.PENDING, "");
  }
}
