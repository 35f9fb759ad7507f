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
 * @param routeTimeout the {@code acceptBy} window of a request routed to a worker holding
 *     pre-started containers for its function (docs/decisions/0005)
 * @param routeGrace how long after {@code routeTimeout} the API node waits for that worker's word
 *     before it queues the request for any worker: it covers the reply's way back and the
 *     difference between the two machines' clocks
 * @param recordLookup how long the node keeps trying to read an activation's record once its
 *     result deadline has passed with no word from its worker (NATS may be reconnecting): a
 *     worker that ran the activation has recorded its outcome, which is then the answer
 * @param pullAllowance how much longer than {@code resultGrace} a worker may take to get a
 *     container before it says the function runs ({@link
 *     dev.faas.actors.activation.WorkerEvent.Running}): the time of pulling a missing image
 *     ({@code FAAS_PULL_TIMEOUT}), which is never charged to the function's {@code timeoutMs}
 */
public record EngineSettings(
    Duration acceptTimeout,
    Duration heartbeatTimeout,
    Duration resultGrace,
    int nodeMaxInFlight,
    Duration routeTimeout,
    Duration routeGrace,
    Duration recordLookup,
    Duration pullAllowance) {

  public static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ROUTE_GRACE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RECORD_LOOKUP = Duration.ofSeconds(5);

  /** Routing with its default windows. */
  public EngineSettings(
      Duration acceptTimeout, Duration heartbeatTimeout, Duration resultGrace, int nodeMaxInFlight) {
    this(acceptTimeout, heartbeatTimeout, resultGrace, nodeMaxInFlight, DEFAULT_ROUTE_TIMEOUT,
        DEFAULT_ROUTE_GRACE);
  }

  /** With the default record lookup. */
  public EngineSettings(
      Duration acceptTimeout,
      Duration heartbeatTimeout,
      Duration resultGrace,
      int nodeMaxInFlight,
      Duration routeTimeout,
      Duration routeGrace) {
    this(acceptTimeout, heartbeatTimeout, resultGrace, nodeMaxInFlight, routeTimeout, routeGrace,
        DEFAULT_RECORD_LOOKUP, Duration.ZERO);
  }

  /** These settings with another record lookup bound. */
  public EngineSettings withRecordLookup(Duration lookup) {
    return new EngineSettings(acceptTimeout, heartbeatTimeout, resultGrace, nodeMaxInFlight,
        routeTimeout, routeGrace, lookup, pullAllowance);
  }

  /** These settings with another pull allowance. */
  public EngineSettings withPullAllowance(Duration allowance) {
    return new EngineSettings(acceptTimeout, heartbeatTimeout, resultGrace, nodeMaxInFlight,
        routeTimeout, routeGrace, recordLookup, allowance);
  }

  public EngineSettings {
    Objects.requireNonNull(routeTimeout, "routeTimeout");
    Objects.requireNonNull(routeGrace, "routeGrace");
    Objects.requireNonNull(acceptTimeout, "acceptTimeout");
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(resultGrace, "resultGrace");
    Objects.requireNonNull(recordLookup, "recordLookup");
    Objects.requireNonNull(pullAllowance, "pullAllowance");
    if (nodeMaxInFlight < 1) {
      throw new IllegalArgumentException("nodeMaxInFlight must be positive: " + nodeMaxInFlight);
    }
  }

  public static EngineSettings defaults() {
    return new EngineSettings(
        Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(20), 1024);
  }
}
