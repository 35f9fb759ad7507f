package dev.faas.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.node.it.TestNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Three real nats-server processes forming one JetStream cluster on loopback, each with its own
 * generated configuration (the same shape scripts/cluster.sh writes: unique server_name, one
 * cluster name, routes to all three, its own store, max_payload 8MB) on ports free at start.
 * Each server is a process of its own so that one can be killed with SIGKILL.
 */
final class NatsCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One server: its name, ports and process. */
  static final class Server {
    final String name;
    final int clientPort;
    final int routePort;
    final int monitorPort;
    final Path dir;
    Process process;
    boolean killed;

    Server(String name, Path dir) throws IOException {
      this.name = name;
      this.dir = dir;
      this.clientPort = TestNats.freePort();
      this.routePort = TestNats.freePort();
      this.monitorPort = TestNats.freePort();
    }

    String url() {
      return "nats://127.0.0.1:" + clientPort;
    }

    boolean isAlive() {
      return process != null && process.isAlive();
    }
  }

  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  NatsCluster(Path dir) throws IOException {
    for (int i = 1; i <= 3; i++) {
      String name = "nats-" + i;
      servers.put(name, new Server(name, dir.resolve(name)));
    }
  }

  NatsCluster start() throws IOException {
    for (Server server : servers.values()) {
      start(server);
    }
    return this;
  }

  private void start(Server server) throws IOException {
    Files.createDirectories(server.dir.resolve("jetstream"));
    String routes =
        servers.values().stream()
            .map(s -> "    nats-route://127.0.0.1:" + s.routePort)
            .collect(Collectors.joining("\n"));
    String config =
        "server_name: " + server.name + "\n"
            + "listen: 127.0.0.1:" + server.clientPort + "\n"
            + "http: 127.0.0.1:" + server.monitorPort + "\n"
            + "max_payload: 8MB\n"
            + "jetstream {\n"
            + "  store_dir: \"" + server.dir.resolve("jetstream").toAbsolutePath() + "\"\n"
            + "  max_file_store: 1G\n"
            + "  max_memory_store: 64M\n"
            + "}\n"
            + "cluster {\n"
            + "  name: faas-cluster-it\n"
            + "  listen: 127.0.0.1:" + server.routePort + "\n"
            + "  routes: [\n" + routes + "\n  ]\n"
            + "}\n";
    Path conf = server.dir.resolve("nats.conf");
    Files.writeString(conf, config);
    ProcessBuilder builder =
        new ProcessBuilder(binary(), "-c", conf.toString(), "-l",
            server.dir.resolve("nats.log").toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(server.dir.resolve("nats.out").toFile()));
    server.process = builder.start();
  }

  private static String binary() {
    String configured = System.getenv("nats_server_path");
    if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured))) {
      return configured;
    }
    for (String candidate : List.of("/usr/sbin/nats-server", "/usr/bin/nats-server",
        "/usr/local/bin/nats-server")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "nats-server";
  }

  /** Every server's client URL, comma-separated, for FAAS_NATS_URL. */
  String urls() {
    return servers.values().stream().map(Server::url).collect(Collectors.joining(","));
  }

  Server server(String name) {
    return servers.get(name);
  }

  List<Server> servers() {
    return new ArrayList<>(servers.values());
  }

  /** The JetStream meta leader's name as the first live server that knows one reports it. */
  Optional<String> metaLeader() {
    for (Server server : servers.values()) {
      if (!server.isAlive()) {
        continue;
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.monitorPort + "/jsz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode leader = JSON.readTree(response.body()).path("meta_cluster").path("leader");
        if (leader.isTextual() && !leader.asText().isEmpty()) {
          return Optional.of(leader.asText());
        }
      } catch (IOException e) {
        // not listening yet, or going away
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * What {@code name}'s {@code /healthz} says: {@code "200"} once its JetStream has caught up with
   * the meta group and with every stream it hosts (2.9), else the status and the reason given.
   */
  String health(String name) {
    Server server = servers.get(name);
    if (!server.isAlive()) {
      return "not running";
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.monitorPort + "/healthz"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? "200"
          : response.statusCode() + " " + response.body().strip();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** Waits until the cluster has elected a JetStream meta leader: it can create streams. */
  String awaitMetaLeader(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      for (Server server : servers.values()) {
        if (!server.isAlive() && server.process != null && !server.killed) {
          throw new AssertionError(server.name + " exited:\n" + log(server.name));
        }
      }
      Optional<String> leader = metaLeader();
      if (leader.isPresent()) {
        return leader.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no JetStream meta leader within " + within);
  }

  /** Kills one server with SIGKILL: no lame duck, no goodbye to its routes or clients. */
  void kill(String name) throws InterruptedException {
    Server server = servers.get(name);
    server.killed = true;
    server.process.destroyForcibly();
    if (!server.process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL");
    }
  }

  /** Starts a killed server again with its configuration and store: it rejoins the cluster. */
  void restart(String name) throws IOException {
    Server server = servers.get(name);
    if (server.isAlive()) {
      throw new IllegalStateException(name + " still runs");
    }
    server.killed = false;
    start(server);
  }

  /**
   * How many requests the {@code ACTIVATIONS} work queue holds: its bound is the cluster-wide
   * limit, so this is the number of permits taken, whichever API node took them.
   */
  long activationsHeld() throws IOException, InterruptedException {
    Options options =
        Options.builder()
            .servers(
                servers.values().stream().filter(Server::isAlive).map(Server::url)
                    .toArray(String[]::new))
            .connectionTimeout(Duration.ofSeconds(2))
            .noReconnect()
            .build();
    try (Connection connection = Nats.connect(options)) {
      return connection
          .jetStreamManagement()
          .getStreamInfo("ACTIVATIONS")
          .getStreamState()
          .getMsgCount();
    } catch (JetStreamApiException e) {
      throw new IOException("the ACTIVATIONS stream cannot be read", e);
    }
  }

  String log(String name) {
    try {
      Path file = servers.get(name).dir.resolve("nats.log");
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Server server : servers.values()) {
      if (server.process != null) {
        server.process.destroy();
      }
    }
    for (Server server : servers.values()) {
      if (server.process != null && !server.process.waitFor(10, TimeUnit.SECONDS)) {
        server.process.destroyForcibly().waitFor();
      }
    }
  }
}
