package dev.faas.node.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code faas} CLI, its shaded jar ({@code faas.cli.jar}, built by the cli module) run as
 * a process per command the way {@code bin/faas} runs it, with its own home and configuration
 * directory: the tests see exactly the bytes and exit code a user's shell would.
 */
public final class FaasCli {
  private final Path dir;
  private final Map<String, String> env;
  private int runs;

  /**
   * @param dir the CLI's HOME (its configuration under {@code dir/xdg/faas/config}), and where
   *     each run's streams are kept
   * @param env further variables for every run (FAAS_URL, ...)
   */
  public FaasCli(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = new HashMap<>(env);
  }

  /** The configuration file the CLI writes. */
  public Path configFile() {
    return dir.resolve("xdg").resolve("faas").resolve("config");
  }

  /** Runs {@code faas args...} with an empty stdin. */
  public Run run(String... args) throws Exception {
    return run(new byte[0], Map.of(), args);
  }

  /** Runs {@code faas args...} with these stdin bytes and further variables. */
  public Run run(byte[] stdin, Map<String, String> moreEnv, String... args) throws Exception {
    String jar = System.getProperty("faas.cli.jar", "../cli/target/faas-cli.jar");
    if (!Files.exists(Path.of(jar))) {
      throw new IllegalStateException("no CLI jar at " + jar + ": the cli module packages it");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As bin/faas starts it: a short-lived client starts fastest with C1 and the serial collector.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    Path io = dir.resolve("run-" + ++runs);
    Files.createDirectories(io);
    Files.write(io.resolve("stdin"), stdin);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("FAAS_") || k.startsWith("XDG_"));
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
    builder.environment().putAll(env);
    builder.environment().putAll(moreEnv);
    builder.redirectInput(io.resolve("stdin").toFile());
    builder.redirectOutput(io.resolve("stdout").toFile());
    builder.redirectError(io.resolve("stderr").toFile());
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("faas " + String.join(" ", args) + " did not end within 120 s");
    }
    return new Run(
        List.of(args),
        process.exitValue(),
        Files.readAllBytes(io.resolve("stdout")),
        Files.readString(io.resolve("stderr"), StandardCharsets.UTF_8));
  }

  /** One run: its exit code and what it wrote. */
  public record Run(List<String> args, int code, byte[] stdout, String stderr) {
    /** stdout as UTF-8. */
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** The run, for assertion messages. */
    @Override
    public String toString() {
      return "faas " + String.join(" ", args) + " -> " + code + "\nstdout: " + out() + "\nstderr: " + stderr;
    }
  }
}
