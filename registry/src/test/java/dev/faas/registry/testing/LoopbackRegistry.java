package dev.faas.registry.testing;

import com.password4j.BcryptFunction;
import com.password4j.Password;
import com.password4j.types.Bcrypt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real image registry for tests: Debian's {@code docker-registry} (the CNCF Distribution
 * registry) on a free loopback port, storing into a directory of its own. It can be stopped and
 * started again on the same port and storage.
 *
 * <p>{@link #start()} makes an anonymous one over plain HTTP: the engine treats 127.0.0.0/8
 * registries as insecure-allowed, so it pushes and pulls with no daemon change. {@link
 * #startSecure} makes one with TLS (a certificate from a CA made here, which the engine and the
 * platform trust through {@code /etc/docker/certs.d/<host:port>/ca.crt}) and htpasswd
 * authentication; the test pushes with {@link #cli} as the registry's user.
 */
public final class LoopbackRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Duration READY_WITHIN = Duration.ofSeconds(20);

  /** Where the engine looks for a registry's CA; the platform's resolver reads the same place. */
  public static final Path DOCKER_CERTS = Path.of("/etc/docker/certs.d");

  private final Path root;
  private final Path config;
  private final int port;
  private final boolean secure;
  private Process process;

  private LoopbackRegistry(Path root, int port, String extra, boolean secure) throws IOException {
    this.root = root;
    this.port = port;
    this.secure = secure;
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
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:%d
        """
                .formatted(root.resolve("data"), port)
            + extra);
  }

  /** Starts a registry on a free port and waits until it answers. */
  public static LoopbackRegistry start() throws IOException, InterruptedException {
    requireBinary();
    LoopbackRegistry registry =
        new LoopbackRegistry(Files.createTempDirectory("faas-registry-"), freePort(), "", false);
    registry.resume();
    return registry;
  }

  /**
   * Starts a registry with TLS and htpasswd authentication of one user: its CA is installed where
   * the engine looks ({@link #DOCKER_CERTS}), and removed again by {@link #close()}; the CLI
   * (for {@link #cli}) is logged in as {@code username}.
   */
  public static LoopbackRegistry startSecure(String username, String password)
      throws IOException, InterruptedException {
    requireBinary();
    Path root = Files.createTempDirectory("faas-registry-tls-");
    int port = freePort();
    TestCertificates.make(root, "127.0.0.1");
    Files.writeString(root.resolve("htpasswd"), username + ":" + bcrypt(password) + "\n");
    String extra =
        """
          tls:
            certificate: %s
            key: %s
        auth:
          htpasswd:
            realm: faas-test
            path: %s
        """
            .formatted(root.resolve("server.crt"), root.resolve("server.key"),
                root.resolve("htpasswd"));
    LoopbackRegistry registry = new LoopbackRegistry(root, port, extra, true);
    Path trusted = DOCKER_CERTS.resolve(registry.host());
    Files.createDirectories(trusted);
    Files.copy(root.resolve("ca.crt"), trusted.resolve("ca.crt"));
    registry.resume();
    registry.run(
        List.of("docker", "login", "--username", username, "--password-stdin", registry.host()),
        password);
    return registry;
  }

  /** The registry's CA certificate (PEM), for a secure one. */
  public Path caCertificate() {
    return root.resolve("ca.crt");
  }

  /**
   * Runs the docker CLI with its own configuration directory (so a login here never touches the
   * machine's), failing with its output when it fails.
   */
  public String cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    return run(command, null);
  }

  private String run(List<String> command, String input) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DOCKER_CONFIG", root.resolve("docker-cli").toString());
    Process p = builder.start();
    try (var stdin = p.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static String bcrypt(String password) {
    return Password.hash(password).with(BcryptFunction.getInstance(Bcrypt.Y, 10)).getResult();
  }

  private static void requireBinary() {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's docker-registry (./test.sh does)");
    }
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
    if (secure) {
      Path trusted = DOCKER_CERTS.resolve(host());
      Files.deleteIfExists(trusted.resolve("ca.crt"));
      Files.deleteIfExists(trusted);
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void awaitReady() throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .sslContext(secure ? TestCertificates.trusting(caCertificate()) : defaultContext())
            .build();
    HttpRequest v2 =
        HttpRequest.newBuilder(URI.create((secure ? "https://" : "http://") + host() + "/v2/"))
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
        int status = http.send(v2, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || (secure && status == 401)) {
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

  private static javax.net.ssl.SSLContext defaultContext() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
