package dev.faas.node.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The real node jar, started as its own process the way run.sh starts it, with its output in a
 * log file under its data directory.
 */
public final class NodeProcess implements AutoCloseable {
  private final Path dataDir;
  private final Map<String, String> env;
  private final int port;
  private Process process;

  /**
   * @param dataDir the node's FAAS_DATA_DIR, which also receives its log, {@code node.log}
   * @param port its FAAS_PORT
   * @param env further FAAS_* variables
   */
  public NodeProcess(Path dataDir, int port, Map<String, String> env) {
    this.dataDir = dataDir;
    this.port = port;
    this.env = new HashMap<>(env);
    this.env.put("FAAS_DATA_DIR", dataDir.toString());
    // Tests assert that no container is left after each call, which holds on the cold path; the
    // warm path (idle pre-started containers by design) is tested on its own, with this on.
    this.env.putIfAbsent("FAAS_WARM_POOL", "false");
    this.env.put("FAAS_PORT", Integer.toString(port));
  }

  /** Starts the jar (again, after a stop or kill) with this node's environment. */
  public NodeProcess start() throws IOException {
    String jar = System.getProperty("faas.node.jar", "target/faas-node.jar");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Files.createDirectories(dataDir);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("node.log").toFile()));
    process = builder.start();
    return this;
  }

  /** Stops the node with SIGTERM, as Ctrl-C in run.sh would, and waits for it to exit. */
  public int stop() throws InterruptedException {
    if (process == null) {
      return 0;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    int code = process.exitValue();
    process = null;
    return code;
  }

  /**
   * Kills the node with SIGKILL, as a crash or the kernel's OOM killer would: no shutdown hook,
   * no cleanup, its connections simply drop. Waits for the process to be gone.
   */
  public void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the node survived SIGKILL for 30 s");
    }
    process = null;
  }

  /**
   * Waits until the node has made its certificate and answers /readyz with 200 over HTTPS, and
   * returns a client that trusts exactly that certificate.
   */
  public HttpClient awaitHttpsReady(Duration within) throws Exception {
    Path tls = dataDir.resolve("tls");
    long deadline = System.nanoTime() + within.toNanos();
    // The node moves the password into place before the keystore: wait for both.
    while (!Files.exists(tls.resolve("node.p12.password"))
        || !Files.exists(tls.resolve("node.p12"))) {
      if (!isAlive()) {
        throw new AssertionError("the node exited:\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the node made no certificate within " + within + ":\n" + log());
      }
      Thread.sleep(50);
    }
    HttpClient client = trustingClient();
    awaitReady(client, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    return client;
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The node's own base URL, {@code https://localhost:<port>} unless TLS is turned off. */
  public String baseUrl() {
    return ("false".equals(env.get("FAAS_TLS")) ? "http" : "https") + "://localhost:" + port;
  }

  /** Everything the node has written to stdout and stderr so far, across its restarts. */
  public String log() throws IOException {
    Path file = dataDir.resolve("node.log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /**
   * An HTTP client that trusts exactly the certificate this node made for itself (and checks the
   * host name against it), so the test exercises real TLS rather than turning verification off.
   */
  public HttpClient trustingClient() throws Exception {
    Path tls = dataDir.resolve("tls");
    char[] password =
        Files.readString(tls.resolve("node.p12.password"), StandardCharsets.UTF_8).trim().toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.resolve("node.p12"))) {
      keys.load(in, password);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("node", keys.getCertificate(keys.aliases().nextElement()));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Waits until /readyz answers 200, failing early with the node's log if the process died. */
  public void awaitReady(HttpClient client, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new AssertionError("the node exited:\n" + log());
      }
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the node was not ready within " + within + ":\n" + log());
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
