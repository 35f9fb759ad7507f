package dev.faas.node.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of a test's own: a second {@code dockerd} with its own socket, data, state and
 * containerd, so that a test can stop and start it (the engine failing under a worker) without
 * touching the engine every other test uses. No networks of its own (functions run without one),
 * no iptables. Needs root, as the tests' engine does.
 */
public final class PrivateEngine implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final String CLIENT =
      Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";

  private final Path dir;
  private Process daemon;

  public PrivateEngine(Path dir) throws IOException {
    // A short path: the socket's path must fit a Unix socket address.
    this.dir = Files.createDirectories(dir);
  }

  /** The engine's address, for FAAS_DOCKER_HOST. */
  public String host() {
    return "unix://" + dir.resolve("docker.sock");
  }

  /** Starts the daemon (again, after a stop, with the same data) and waits until it answers. */
  public PrivateEngine start() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            "dockerd",
            "--data-root", dir.resolve("data").toString(),
            "--exec-root", dir.resolve("exec").toString(),
            "--pidfile", dir.resolve("docker.pid").toString(),
            "-H", host(),
            "--bridge=none",
            "--iptables=false",
            "--ip-masq=false",
            "--ip-forward=false");
    builder.environment().put("PATH", System.getenv("PATH") + ":/usr/sbin:/sbin");
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()));
    daemon = builder.start();
    Await.until(READY, () -> "the private engine answering at " + host(), this::answers);
    return this;
  }

  /** Stops the daemon as an operator would (SIGTERM) and waits for it to be gone. */
  public void stop() throws InterruptedException {
    if (daemon == null) {
      return;
    }
    daemon.destroy();
    if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor();
    }
    daemon = null;
  }

  /** True while the daemon answers. */
  public boolean answers() throws IOException, InterruptedException {
    return docker("info").exit() == 0;
  }

  /** Copies {@code image} from the tests' engine into this one. */
  public void load(String image) throws IOException, InterruptedException {
    Process save =
        new ProcessBuilder("sh", "-c",
                CLIENT + " save " + image + " | " + CLIENT + " -H " + host() + " load -q")
            .redirectErrorStream(true)
            .start();
    String out = new String(save.getInputStream().readAllBytes());
    if (save.waitFor() != 0) {
      throw new IOException("loading " + image + " into the private engine failed: " + out);
    }
  }

  /** The ids of this engine's containers, running or not, carrying {@code label}. */
  public List<String> containers(String label) throws IOException, InterruptedException {
    return docker("ps", "-a", "-q", "--no-trunc", "--filter", "label=" + label).lines();
  }

  /** Stops the daemon, removing its containers first, then deletes its directory. */
  @Override
  public void close() throws Exception {
    if (daemon != null) {
      List<String> all = docker("ps", "-a", "-q").lines();
      if (!all.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(all);
        docker(rm.toArray(String[]::new));
      }
    }
    stop();
    // Its layers and state belong to root and may hold read-only files: the shell's rm.
    new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start().waitFor();
  }

  /** What one client command printed, and how it ended. */
  private record Ran(int exit, String out) {
    List<String> lines() {
      return Arrays.stream(out.split("\n")).map(String::trim).filter(l -> !l.isEmpty()).toList();
    }
  }

  private Ran docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CLIENT, "-H", host()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Ran(-1, out);
    }
    return new Ran(process.exitValue(), out);
  }
}
