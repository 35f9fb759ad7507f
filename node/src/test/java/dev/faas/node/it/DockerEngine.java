package dev.faas.node.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Docker engine as the tests see it from outside: through Debian's {@code docker} client, the
 * one that matches the daemon (ENVIRONMENT.md). Nothing here goes through the product's code.
 */
public final class DockerEngine {
  /** The label every platform container carries; its value is the node's FAAS_PLATFORM. */
  public static final String PLATFORM_LABEL = "dev.faas.platform";
  /** The label of the platform's own containers (a worker's lease, an engine probe). */
  public static final String ROLE_LABEL = "dev.faas.role";
  /** The label naming the activation a container runs. */
  public static final String ACTIVATION_LABEL = "dev.faas.activation";

  private static final String CLIENT =
      Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";

  private DockerEngine() {}

  /** The ids of the containers, running or not, that carry every one of {@code labels}. */
  public static List<String> containers(String... labels) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ps", "-a", "-q", "--no-trunc"));
    for (String label : labels) {
      command.add("--filter");
      command.add("label=" + label);
    }
    return lines(run(command));
  }

  /** The ids of the running function containers of a platform (not its own, see below). */
  public static List<String> running(String platform) throws IOException, InterruptedException {
    List<String> running =
        new ArrayList<>(
            lines(
                run(
                    List.of(
                        "ps", "-q", "--no-trunc", "--filter", "status=running",
                        "--filter", "label=" + PLATFORM_LABEL + "=" + platform))));
    running.removeAll(containers(PLATFORM_LABEL + "=" + platform, ROLE_LABEL));
    return running;
  }

  /** The containers of one activation, by its label. */
  /** Containers made from {@code image} that carry every one of {@code labels}. */
  public static List<String> containersFrom(String image, String... labels)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("ps", "-a", "-q", "--no-trunc", "--filter", "ancestor=" + image));
    for (String label : labels) {
      command.add("--filter");
      command.add("label=" + label);
    }
    return lines(run(command));
  }

  public static List<String> containersOf(String activationId)
      throws IOException, InterruptedException {
    return containers(ACTIVATION_LABEL + "=" + activationId);
  }

  /** The value of one label of a container. */
  public static String label(String containerId, String label)
      throws IOException, InterruptedException {
    return run(
            List.of(
                "inspect", "--format", "{{index .Config.Labels \"" + label + "\"}}", containerId))
        .trim();
  }

  /**
   * Waits until no function container of {@code platform} exists any more, running or stopped:
   * the platform's own (a worker's lease on its engine, lasting as long as the worker, and its
   * engine probes) carry a {@code dev.faas.role} label and are not counted.
   */
  public static void awaitNoContainers(String platform, Duration within) throws Exception {
    Await.until(
        within,
        "removal of every function container labelled " + PLATFORM_LABEL + "=" + platform,
        () -> functionContainers(platform),
        List::isEmpty);
  }

  /** The function containers of {@code platform}: all of its containers but the platform's own. */
  public static List<String> functionContainers(String platform)
      throws IOException, InterruptedException {
    List<String> own = containers(PLATFORM_LABEL + "=" + platform, ROLE_LABEL);
    List<String> all = new ArrayList<>(containers(PLATFORM_LABEL + "=" + platform));
    all.removeAll(own);
    return all;
  }

  /** Waits until {@code count} containers of {@code platform} are running, and returns them. */
  public static List<String> awaitRunning(String platform, int count, Duration within)
      throws Exception {
    return Await.until(
        within,
        count + " running containers of " + platform,
        () -> running(platform),
        ids -> ids.size() == count);
  }

  /**
   * The containers the engine created between two instants whose labels match {@code label}
   * ({@code name=value}), read back from the engine's event log: an exact count of every
   * container ever started, however briefly it lived.
   */
  public static List<String> createdBetween(Instant since, Instant until, String label)
      throws IOException, InterruptedException {
    return lines(
        run(
            List.of(
                "events",
                "--since", timestamp(since),
                "--until", timestamp(until),
                "--filter", "type=container",
                "--filter", "event=create",
                "--filter", "label=" + label,
                "--format", "{{.ID}}")));
  }

  /** Removes every container of {@code platform}: the safety net after a failed test. */
  public static void removeAll(String platform) throws IOException, InterruptedException {
    List<String> ids = containers(PLATFORM_LABEL + "=" + platform);
    if (!ids.isEmpty()) {
      List<String> command = new ArrayList<>(List.of("rm", "-f"));
      command.addAll(ids);
      run(command);
    }
  }

  /**
   * True when the engine answers an inspect of container {@code id} within {@code limit}, whether
   * it still exists or not: false means the engine hangs on it.
   */
  public static boolean answersFor(String id, Duration limit)
      throws IOException, InterruptedException {
    Process inspect =
        new ProcessBuilder(CLIENT, "inspect", "--format", "{{.Id}}", id)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (inspect.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    inspect.destroyForcibly();
    return false;
  }

  /** The ids of {@code ids} the engine does not answer an inspect for within {@code limit}. */
  public static List<String> hungOn(Collection<String> ids, Duration limit)
      throws IOException, InterruptedException {
    List<String> hung = new ArrayList<>();
    for (String id : ids) {
      if (!answersFor(id, limit)) {
        hung.add(id);
      }
    }
    return hung;
  }

  /** The host pid of running container {@code id}'s PID 1. */
  public static long pidOf(String id) throws IOException, InterruptedException {
    long pid = Long.parseLong(run(List.of("inspect", "--format", "{{.State.Pid}}", id)).trim());
    if (pid <= 0) {
      throw new IllegalStateException("container " + id + " is not running");
    }
    return pid;
  }

  /** Removes the image of this name from the engine (its other names keep it). */
  public static void removeImage(String image) throws IOException, InterruptedException {
    run(List.of("rmi", image));
  }

  /** True when the engine has an image of this name. */
  public static boolean hasImage(String image) throws IOException, InterruptedException {
    return !lines(run(List.of("images", "-q", image))).isEmpty();
  }

  /** Builds {@code context} (with its Dockerfile) as {@code tag}, never pulling. */
  static void build(Path context, String tag) throws IOException, InterruptedException {
    run(List.of("build", "-q", "-t", tag, context.toString()));
  }

  private static String timestamp(Instant instant) {
    return String.format("%d.%09d", instant.getEpochSecond(), instant.getNano());
  }

  private static List<String> lines(String output) {
    return Arrays.stream(output.split("\n")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(CLIENT);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Legacy builder: the engine's own, which works offline with FROM scratch.
    builder.environment().put("DOCKER_BUILDKIT", "0");
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("docker " + args + " did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("docker " + args + " failed (" + process.exitValue() + "): " + text);
    }
    return text;
  }
}
