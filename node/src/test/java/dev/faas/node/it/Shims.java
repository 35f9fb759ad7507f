package dev.faas.node.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the engine hang on chosen containers, as it was seen to in production: the {@code
 * containerd-shim} that is the parent of a container's PID 1 is stopped with SIGSTOP, so the
 * engine's calls that need it (kill, removal, then inspect, held behind them) block until it is
 * continued, while other containers are not affected. Needs root, as the tests' engine does.
 * Closing it continues every shim it stopped.
 */
public final class Shims implements AutoCloseable {
  private final List<Long> stopped = new ArrayList<>();

  /** Stops the shim of running container {@code id}. */
  public void stop(String id) throws IOException, InterruptedException {
    long pid = DockerEngine.pidOf(id);
    long shim = parentOf(pid);
    String name = Files.readString(Path.of("/proc", Long.toString(shim), "comm")).trim();
    if (!name.startsWith("containerd-shim")) {
      throw new IllegalStateException("the parent of " + id + "'s PID 1 is " + name);
    }
    signal("STOP", shim);
    stopped.add(shim);
  }

  /** Continues every shim stopped here. */
  public void continueAll() throws IOException, InterruptedException {
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
