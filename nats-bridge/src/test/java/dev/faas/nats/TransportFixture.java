package dev.faas.nats;

import static dev.faas.nats.WaitUntil.waitUntil;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.time.Duration;

/**
 * A test server with the activation transport configured small and fast: a bound of {@link
 * #MAX_CONCURRENT}, an ack wait of 1 s and a live-worker window of 1 s. Each queue and work
 * source gets its own bridge, so its own connection, as on separate nodes.
 */
final class TransportFixture implements AutoCloseable {
  static final int MAX_CONCURRENT = 5;
  static final Duration ACK_WAIT = Duration.ofSeconds(1);
  static final Duration LIVE_WINDOW = Duration.ofSeconds(1);

  final BridgeFixture bridges;
  private Connection inspector;

  TransportFixture(BridgeFixture bridges) {
    this.bridges = bridges;
  }

  static TransportFixture started() throws IOException {
    return new TransportFixture(BridgeFixture.started());
  }

  NatsSettings settings(String name) {
    return bridges.server.settings(name)
        .withMaxConcurrent(MAX_CONCURRENT)
        // Above the cluster's bound, so that the tests of that bound see only it.
        .withMaxConcurrentPerUser(4 * MAX_CONCURRENT)
        .withAckWait(ACK_WAIT)
        .withLiveWorkerWindow(LIVE_WINDOW);
  }

  /** A ready bridge named {@code name}. */
  NatsBridge bridge(String name) {
    return bridges.ready(settings(name));
  }

  /** The activation queue of a new node {@code nodeId}, once submits can succeed. */
  NatsActivationQueue queue(String nodeId) {
    return queue(bridge(nodeId), nodeId);
  }

  static NatsActivationQueue queue(NatsBridge bridge, String nodeId) {
    NatsActivationQueue queue = bridge.activationQueue(nodeId);
    waitUntil(BridgeFixture.READY_WITHIN, nodeId + " listening", queue::isListening);
    return queue;
  }

  /** How many requests the stream holds now: the places taken. */
  long queued() throws Exception {
    return inspector()
        .jetStreamManagement()
        .getStreamInfo(ActivationStream.STREAM)
        .getStreamState()
        .getMsgCount();
  }

  /** Publishes {@code body} to the stream as a request, without the request header. */
  void publishRaw(byte[] body) throws Exception {
    inspector().jetStream().publish(ActivationStream.SUBJECT, body);
  }

  /** Deletes the stream behind the bridges' backs (they recreate it on their next connect). */
  void deleteStream() throws Exception {
    inspector().jetStreamManagement().deleteStream(ActivationStream.STREAM);
  }

  private Connection inspector() throws Exception {
    if (inspector == null) {
      inspector = Nats.connect(bridges.server.url());
    }
    return inspector;
  }

  @Override
  public void close() throws Exception {
    if (inspector != null) {
      inspector.close();
    }
    bridges.close();
  }
}
