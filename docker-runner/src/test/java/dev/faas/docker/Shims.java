package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the engine hang on chosen containers, the way it was seen to in production: the {@code
 * containerd-shim} that is the parent of a container's PID 1 is stopped with SIGSTOP, so every
 * engine call that needs that shim (kill, removal of a running container, and then inspect, held
 * behind them) blocks until it is continued. Other containers are not affected. Needs root, as
 * the tests' engine does. Close it to continue every shim it stopped.
 */
final class Shims implements AutoCloseable {
  private final DockerClient docker;
  private final List<Long> stopped = new ArrayList<>();

  Shims(DockerClient docker) {
    this.docker = docker;
  }

  /** Stops the shim of container {@code id}, which must be running. */
  void stop(String id) throws IOException, InterruptedException {
    Long pid = docker.inspectContainerCmd(id).exec().getState().getPidLong();
    if (pid == null || pid <= 0) {
      throw new IllegalStateException("container " + id + " is not running");
    }
    long shim = parentOf(pid);
    String name = Files.readString(Path.of("/proc", Long.toString(shim), "comm")).trim();
    if (!name.startsWith("containerd-shim")) {
      throw new IllegalStateException("the parent of " + id + "'s PID 1 is " + name);
    }
    signal("STOP", shim);
    stopped.add(shim);
  }

  /** Continues every shim stopped here. */
  void continueAll() throws IOException, InterruptedException {
    for (long shim : stopped) {
      signal("CONT", shim);
    }
    stopped.clear();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    continueAll();
  }

  private static long parentOf(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("PPid:")) {
        return Long.parseLong(line.substring("PPid:".length()).trim());
      }
    }
    throw new IllegalStateException("no parent for pid " + pid);
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }
}
