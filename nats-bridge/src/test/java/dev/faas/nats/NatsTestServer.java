package dev.faas.nats;

import io.nats.ConsoleOutput;
import io.nats.NatsServerRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * A real nats-server with JetStream for integration tests, on a fixed free port and its own
 * store directory, so it can be stopped and started again with its data. It allows messages of
 * 8 MB, as the project's own servers do (run.sh, compose), unless made with NATS' default.
 */
final class NatsTestServer implements AutoCloseable {
  static final String LARGE_PAYLOAD = "max_payload: 8MB";

  private final int port;
  private final Path storeDir;
  private final List<String> config;
  private NatsServerRunner runner;

  private NatsTestServer(int port, Path storeDir, List<String> config) {
    this.port = port;
    this.storeDir = storeDir;
    this.config = config;
  }

  /** Starts a server on a free port. */
  static NatsTestServer start() throws IOException {
    return started(List.of(LARGE_PAYLOAD));
  }

  /** Starts a server with NATS' default max payload of 1 MB. */
  static NatsTestServer startWithDefaultPayload() throws IOException {
    return started(List.of());
  }

  /** A server that is not started: its URL answers nothing until {@link #startAgain()}. */
  static NatsTestServer notStarted() throws IOException {
    return new NatsTestServer(
        freePort(), Files.createTempDirectory("nats-it-"), List.of(LARGE_PAYLOAD));
  }

  private static NatsTestServer started(List<String> config) throws IOException {
    NatsTestServer server =
        new NatsTestServer(freePort(), Files.createTempDirectory("nats-it-"), config);
    server.startAgain();
    return server;
  }

  /** Starts the server (again) on the same port with the same store. */
  void startAgain() throws IOException {
    runner =
        NatsServerRunner.builder()
            .port(port)
            .jetstream(true)
            .configInserts(config)
            .customArgs(List.of("-a", "127.0.0.1", "-sd", storeDir.toString()))
            .output(new ConsoleOutput())
            .outputLevel(Level.WARNING)
            // The runner's own check waits ~2 s for this server to hang up on it; a plain TCP
            // accept below says the same in milliseconds.
            .processCheckWait(20L)
            .skipConnectValidate()
            .build();
    WaitUntil.waitUntil(Duration.ofSeconds(10), "nats-server accepting on " + port, this::accepts);
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the server; its store stays. */
  void stop() throws InterruptedException {
    if (runner != null) {
      runner.shutdown(true);
      runner = null;
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** Settings for a bridge named {@code name}, with a short request timeout for fast failures. */
  NatsSettings settings(String name) {
    return new NatsSettings(
        List.of(url()), name, 1, Duration.ofMinutes(5), Duration.ofSeconds(2), 0, null, null);
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(storeDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
