package dev.faas.actors.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts and limits of the API side of the engine; the node reads them from configuration.
 *
 * @param acceptTimeout how long a request may wait for a worker to take it; it is also the
 *     request's {@code acceptBy}, so a worker that pulls it later drops it unrun
 * @param heartbeatTimeout how long a taken activation may go without any word from its worker
 *     before its caller is told the worker was lost (workers send a heartbeat about every second)
 * @param resultGrace added to the function's own timeout from the moment a worker took it: the
 *     worker's time to get a container, kill it at its timeout and report
 * @param nodeMaxInFlight the most activations this node handles at once (its memory's limit)
 */
public record EngineSettings(
    Duration acceptTimeout, Duration heartbeatTimeout, Duration resultGrace, int nodeMaxInFlight) {

  public EngineSettings {
    Objects.requireNonNull(acceptTimeout, "acceptTimeout");
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(resultGrace, "resultGrace");
    if (nodeMaxInFlight < 1) {
      throw new IllegalArgumentException("nodeMaxInFlight must be positive: " + nodeMaxInFlight);
    }
  }

  public static EngineSettings defaults() {
    return new EngineSettings(
        Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(20), 1024);
  }
}
