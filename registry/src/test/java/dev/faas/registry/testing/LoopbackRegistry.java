package dev.faas.registry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real image registry for tests: Debian's {@code docker-registry} (the CNCF Distribution
 * registry), anonymous, on a free loopback port, storing into a directory of its own. The engine
 * treats 127.0.0.0/8 registries as insecure-allowed, so it pushes to and pulls from it over plain
 * HTTP with no daemon change. It can be stopped and started again on the same port and storage.
 */
public final class LoopbackRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Duration READY_WITHIN = Duration.ofSeconds(20);

  private final Path root;
  private final Path config;
  private final int port;
  private Process process;

  private LoopbackRegistry(Path root, int port) throws IOException {
    this.root = root;
    this.port = port;
    this.config = root.resolve("config.yml");
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: 127.0.0.1:%d
        """
            .formatted(root.resolve("data"), port));
  }

  /** Starts a registry on a free port and waits until it answers. */
  public static LoopbackRegistry start() throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's docker-registry (./test.sh does)");
    }
    LoopbackRegistry registry =
        new LoopbackRegistry(Files.createTempDirectory("faas-registry-"), freePort());
    registry.resume();
    return registry;
  }

  /** {@code 127.0.0.1:port}: the prefix of references to this registry's images. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** Starts the registry again after {@link #stop()}, with the images it had. */
  public void resume() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(BINARY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("registry.log").toFile())
            .start();
    awaitReady();
  }

  /** Stops the registry; its storage stays. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Stops the registry and deletes its storage. */
  @Override
  public void close() throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void awaitReady() throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest v2 =
        HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with " + process.exitValue() + "; see "
                + root.resolve("registry.log"));
      }
      try {
        if (http.send(v2, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("docker-registry did not answer within " + READY_WITHIN);
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
