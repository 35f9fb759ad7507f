package dev.faas.node;

import dev.faas.actors.Stages;
import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.store.ImagePullStore;
import dev.faas.docker.PullListener;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker tells the cluster how its pulls ended (the images bucket), so that the API can say
 * whether a function's image is ready, being pulled or failing. A report that cannot be written
 * (NATS away) is logged and dropped: the next pull of the image reports again.
 */
final class PullReports implements PullListener {
  private static final Logger log = LoggerFactory.getLogger(PullReports.class);

  private final ImagePullStore store;
  private final String workerId;
  private final Clock clock;

  PullReports(ImagePullStore store, String workerId, Clock clock) {
    this.store = store;
    this.workerId = workerId;
    this.clock = clock;
  }

  @Override
  public void ended(String image, Optional<String> failure) {
    ImagePullReport report =
        new ImagePullReport(
            image, workerId, failure.isEmpty(), failure.orElse(""), clock.instant());
    Stages.attempt(() -> store.put(report))
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                log.warn("Could not report the pull of image [{}]: [{}]", image,
                    Stages.unwrap(error).getMessage());
              }
            });
  }
}
