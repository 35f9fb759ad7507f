package dev.faas.node.e2e;

import io.nats.NatsServerRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * A real nats-server with JetStream for a test, on a fixed port and store directory so it can be
 * stopped and started again with its data, as a production restart would.
 */
final class TestNats implements AutoCloseable {
  private final int port;
  private final Path storeDir;
  private NatsServerRunner runner;

  TestNats(Path storeDir) throws IOException {
    this.port = freePort();
    this.storeDir = storeDir;
  }

  TestNats start() throws IOException {
    runner =
        NatsServerRunner.builder()
            .port(port)
            .jetstream(true)
            .outputLevel(Level.WARNING)
            .configInserts(
                new String[] {
                  "jetstream { store_dir: \"" + storeDir.toAbsolutePath() + "\" }",
                  // Results and parameters of up to 1 MiB travel in one message.
                  "max_payload: 8MB"
                })
            .build();
    return this;
  }

  void stop() throws InterruptedException {
    if (runner != null) {
      runner.shutdown();
      runner = null;
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
