package dev.faas.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Setting up a stream that several nodes, starting at once, may all try to create. */
final class Streams {
  static final int STREAM_NOT_FOUND = 10059;
  static final int STREAM_NAME_IN_USE = 10058;
  private static final Logger log = LoggerFactory.getLogger(Streams.class);

  private Streams() {}

  /**
   * The configuration of the stream {@code wanted} names as it exists, or empty when this call
   * created it as {@code wanted}. A node that loses the race to create it gets the winner's.
   */
  static Optional<StreamConfiguration> existingOrCreate(
      JetStreamManagement jsm, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    String name = wanted.getName();
    try {
      return Optional.of(jsm.getStreamInfo(name).getConfiguration());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    try {
      jsm.addStream(wanted);
      log.info("Created stream [{}]", name);
      return Optional.empty();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
      return Optional.of(jsm.getStreamInfo(name).getConfiguration());
    }
  }
}
