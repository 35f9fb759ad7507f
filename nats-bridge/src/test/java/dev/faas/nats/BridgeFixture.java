package dev.faas.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A test server, the bridges connected to it and their executor, closed together. */
final class BridgeFixture implements AutoCloseable {
  static final Duration READY_WITHIN = Duration.ofSeconds(10);

  final NatsTestServer server;
  final ExecutorService blocking = Executors.newFixedThreadPool(16);
  private final List<NatsBridge> bridges = new ArrayList<>();

  BridgeFixture(NatsTestServer server) {
    this.server = server;
  }

  static BridgeFixture started() throws IOException {
    return new BridgeFixture(NatsTestServer.start());
  }

  /** A new bridge with its own connection, not waited for. */
  NatsBridge connect(String name) {
    return connect(server.settings(name));
  }

  /** A new bridge with its own connection and these settings, not waited for. */
  NatsBridge connect(NatsSettings settings) {
    NatsBridge bridge = NatsBridge.connect(settings, blocking);
    bridges.add(bridge);
    return bridge;
  }

  /** A new bridge with its own connection, once it is ready. */
  NatsBridge ready(String name) {
    return ready(server.settings(name));
  }

  /** A new bridge with its own connection and these settings, once it is ready. */
  NatsBridge ready(NatsSettings settings) {
    NatsBridge bridge = connect(settings);
    WaitUntil.waitUntil(READY_WITHIN, settings.connectionName() + " ready", bridge::isReady);
    return bridge;
  }

  @Override
  public void close() throws IOException {
    bridges.forEach(NatsBridge::close);
    blocking.shutdownNow();
    server.close();
  }
}
