package dev.faas.node.it;

import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * A real nats-server with JetStream for a test, on a fixed port and store directory so it can be
 * stopped and started again with its data, as a production restart would.
 */
public final class TestNats implements AutoCloseable {
  private final int port;
  private final Path storeDir;
  private final Path certDir;
  private NatsServerRunner runner;

  public TestNats(Path storeDir) throws IOException {
    this(storeDir, null);
  }

  private TestNats(Path storeDir, Path certDir) throws IOException {
    this.port = freePort();
    this.storeDir = storeDir;
    this.certDir = certDir;
  }

  /**
   * A server that requires TLS of every client, with {@code server.crt} and {@code server.key}
   * of {@code certDir} (a certificate naming 127.0.0.1, as the registry's TestCertificates make
   * it); {@link #url()} is then {@code tls://}.
   */
  public static TestNats withTls(Path storeDir, Path certDir) throws IOException {
    return new TestNats(storeDir, certDir);
  }

  /** Starts the server (again, after a stop, with the same port and store). */
  public TestNats start() throws IOException {
    runner =
        NatsServerRunner.builder()
            .port(port)
            .jetstream(true)
            .outputLevel(Level.WARNING)
            // Up to 10 s for the server to listen (the runner's default gives it 200 ms): a
            // restart recovers its JetStream store first, slower on a loaded machine.
            .connectValidateTries(100)
            .connectValidateSubsequentDelay(100L)
            .configInserts(
                new String[] {
                  "jetstream { store_dir: \"" + storeDir.toAbsolutePath() + "\" }",
                  // Results and parameters of up to 1 MiB travel in one message.
                  "max_payload: 8MB",
                  certDir == null
                      ? ""
                      : "tls { cert_file: \"" + certDir.resolve("server.crt").toAbsolutePath()
                          + "\", key_file: \"" + certDir.resolve("server.key").toAbsolutePath()
                          + "\", timeout: 2 }"
                })
            .build();
    return this;
  }

  /** Stops the server; its store stays for the next start. */
  public void stop() throws InterruptedException {
    if (runner != null) {
      runner.shutdown();
      runner = null;
    }
  }

  /**
   * How many activation requests the {@code ACTIVATIONS} work queue holds now: its bound is the
   * cluster-wide limit (DESIGN.md, "Admission"), so this is the number of permits taken.
   */
  public long activationsHeld() throws IOException, InterruptedException {
    try (Connection connection = Nats.connect(url())) {
      return connection
          .jetStreamManagement()
          .getStreamInfo("ACTIVATIONS")
          .getStreamState()
          .getMsgCount();
    } catch (JetStreamApiException e) {
      throw new IOException("the ACTIVATIONS stream cannot be read", e);
    }
  }

  /** The server's client URL. */
  public String url() {
    return (certDir == null ? "nats://" : "tls://") + "127.0.0.1:" + port;
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** A TCP port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
