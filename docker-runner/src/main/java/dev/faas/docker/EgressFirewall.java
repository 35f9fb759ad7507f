package dev.faas.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firewall rules that keep functions with a network away from the host, link-local (cloud
 * metadata) and private addresses (docs/decisions/0017): traffic entering from the egress bridge
 * is dropped in {@code DOCKER-USER} (forwarded traffic, which the engine's own rules leave to that
 * chain) when it is bound for a private range, and in {@code INPUT} whatever host address it is
 * bound for. Only new connections are dropped: replies, to the function's own connections to the
 * outside or to what the host opened towards it, pass.
 *
 * <p>Only the engine's host can apply them, so a worker does it itself only when it drives a
 * local engine ({@code unix://}) as root with {@code iptables} at hand; otherwise it logs the
 * commands for the operator. Applying is idempotent: each rule is checked ({@code -C}) before it
 * is inserted.
 */
final class EgressFirewall {
  private static final Logger log = LoggerFactory.getLogger(EgressFirewall.class);

  /** Where a function with a network may not go unless the operator allows it. */
  static final List<String> PRIVATE_RANGES =
      List.of(
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "169.254.0.0/16",
          "100.64.0.0/10",
          "127.0.0.0/8",
          "0.0.0.0/8",
          "224.0.0.0/4");

  private EgressFirewall() {}

  /** The rules for the bridge {@code bridge}: each an iptables rule spec after the chain. */
  static List<List<String>> rules(String bridge) {
    List<List<String>> rules = new ArrayList<>();
    // Only what the container opens: replies to what the host opened (it may probe a container)
    // pass.
    for (String range : PRIVATE_RANGES) {
      rules.add(
          List.of(
              "DOCKER-USER", "-i", bridge, "-d", range, "-m", "conntrack", "--ctstate", "NEW",
              "-j", "DROP"));
    }
    rules.add(
        List.of("INPUT", "-i", bridge, "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"));
    return rules;
  }

  /** The commands an operator runs on the engine's host, one per line. */
  static String commands(String bridge) {
    StringBuilder text = new StringBuilder();
    for (List<String> rule : rules(bridge)) {
      String spec = String.join(" ", rule.subList(1, rule.size()));
      text.append("iptables -C ")
          .append(rule.get(0))
          .append(' ')
          .append(spec)
          .append(" 2>/dev/null || iptables -I ")
          .append(rule.get(0))
          .append(' ')
          .append(spec)
          .append('\n');
    }
    return text.toString();
  }

  /** Whether this process can apply the rules to the engine's host itself. */
  static boolean canApply(DockerSettings settings) {
    return "unix".equals(settings.dockerHost().getScheme())
        && "root".equals(System.getProperty("user.name"))
        && iptables() != null;
  }

  /**
   * Applies the rules for {@code bridge}, inserting only those missing; blocking (a few
   * short-lived processes).
   *
   * @throws IllegalStateException when a rule cannot be inserted
   */
  static void apply(String bridge) {
    for (List<String> rule : rules(bridge)) {
      if (run("-C", rule) != 0 && run("-I", rule) != 0) {
        throw new IllegalStateException("iptables refused -I " + String.join(" ", rule));
      }
    }
  }

  /** Removes the rules for {@code bridge} (tests, and an operator's clean-up); blocking. */
  static void remove(String bridge) {
    for (List<String> rule : rules(bridge)) {
      while (run("-C", rule) == 0) {
        if (run("-D", rule) != 0) {
          break;
        }
      }
    }
  }

  private static int run(String op, List<String> rule) {
    List<String> command = new ArrayList<>(List.of(iptables(), "-w", "5", op));
    command.addAll(rule);
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      log.warn("Could not run iptables: [{}]", e.getMessage());
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String iptables() {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      Path path = Path.of(dir, "iptables");
      if (Files.isExecutable(path)) {
        return path.toString();
      }
    }
    return null;
  }
}
