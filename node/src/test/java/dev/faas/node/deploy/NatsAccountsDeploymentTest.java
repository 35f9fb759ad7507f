package dev.faas.node.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * compose and Kumori run NATS with the accounts of {@code compose/nats/accounts.conf}
 * (docs/decisions/0018): every server includes them, every node authenticates as its role, and
 * the worker's permissions let through none of the subjects that read the token signing key or
 * the users. NatsAccountsIT runs the same file on a real server.
 */
class NatsAccountsDeploymentTest {
  /** Subjects a worker's user must not publish to: each reads a secret or copies it out. */
  private static final List<String> WORKER_MUST_NOT_PUBLISH =
      List.of(
          "$JS.API.DIRECT.GET.KV_config.$KV.config.jwt-signing-key",
          "$JS.API.DIRECT.GET.KV_config",
          "$JS.API.DIRECT.GET.KV_users.$KV.users.someone",
          "$JS.API.DIRECT.GET.KV_users",
          "$JS.API.STREAM.MSG.GET.KV_config",
          "$JS.API.STREAM.MSG.GET.KV_users",
          "$JS.API.CONSUMER.CREATE.KV_config",
          "$JS.API.CONSUMER.CREATE.KV_config.c.$KV.config.jwt-signing-key",
          "$JS.API.CONSUMER.CREATE.KV_users",
          "$JS.API.CONSUMER.CREATE.KV_users.c.$KV.users.>",
          "$JS.API.CONSUMER.DURABLE.CREATE.KV_config.c",
          "$JS.API.CONSUMER.DURABLE.CREATE.KV_users.c",
          "$JS.API.CONSUMER.CREATE.KV_config.ACTIVATIONS.$KV.config.jwt-signing-key",
          "$JS.API.STREAM.CREATE.STOLEN",
          "$JS.API.STREAM.UPDATE.ACTIVATIONS",
          "$JS.API.STREAM.UPDATE.KV_config",
          "$JS.API.STREAM.DELETE.KV_users",
          "$JS.API.STREAM.PURGE.KV_config",
          "$KV.users.someone",
          "$KV.config.jwt-signing-key");

  private static final List<String> WORKER_MUST_NOT_SUBSCRIBE =
      List.of("$KV.config.jwt-signing-key", "$KV.users.someone", "$JS.API.>");

  private static String accounts;

  @BeforeAll
  static void load() throws IOException {
    accounts = Files.readString(locate("compose/nats/accounts.conf"));
  }

  @Test
  void theWorkersPermissionsLetThroughNothingThatReadsASecret() {
    List<String> publish = quoted(section(accounts, "WORKER_PERMISSIONS", "publish", "subscribe"));
    List<String> subscribe = quoted(section(accounts, "WORKER_PERMISSIONS", "subscribe", "users"));
    assertFalse(publish.isEmpty(), "no publish allow-list for workers");
    assertFalse(subscribe.isEmpty(), "no subscribe allow-list for workers");
    assertFalse(accounts.contains("deny"), "allow-lists only: a deny beside them is easy to get wrong");
    for (String subject : WORKER_MUST_NOT_PUBLISH) {
      for (String allowed : publish) {
        assertFalse(matches(allowed, subject), "workers may publish to " + subject + " by " + allowed);
      }
    }
    for (String subject : WORKER_MUST_NOT_SUBSCRIBE) {
      for (String allowed : subscribe) {
        assertFalse(
            matches(allowed, subject) || matches(subject, allowed),
            "workers may subscribe to " + subject + " by " + allowed);
      }
    }
    // What a worker needs to open registry credentials, and nothing else of the config bucket.
    assertTrue(publish.contains("$JS.API.DIRECT.GET.KV_config.$KV.config.registry-key"));
  }

  @Test
  void workersPublishLiveLogsAndApiNodesSubscribeToThem() {
    // docs/decisions/0023: faas.logs.<activationId>, core NATS.
    String subject = "faas.logs.abc12345";
    List<String> workerPublish =
        quoted(section(accounts, "WORKER_PERMISSIONS", "publish", "subscribe"));
    assertTrue(workerPublish.contains("faas.logs.>"), "workers' live logs, named: " + workerPublish);
    assertTrue(workerPublish.stream().anyMatch(allowed -> matches(allowed, subject)));
    List<String> apiSubscribe = quoted(section(accounts, "API_PERMISSIONS", "subscribe", "}"));
    assertTrue(
        apiSubscribe.stream().anyMatch(allowed -> matches(allowed, subject)),
        "API nodes subscribe to live logs: " + apiSubscribe);
  }

  @Test
  void everyClientMustAuthenticate() {
    assertFalse(accounts.contains("no_auth_user"), "an anonymous user defeats the accounts");
    assertTrue(accounts.contains("{user: api, password: $FAAS_NATS_API_PASSWORD"));
    assertTrue(accounts.contains("{user: worker, password: $FAAS_NATS_WORKER_PASSWORD"));
  }

  @Test
  void composeServersIncludeTheAccountsAndNodesAuthenticateAsTheirRole() throws IOException {
    String compose = Files.readString(locate("compose/docker-compose.yml"));
    for (int i = 1; i <= 3; i++) {
      String conf = Files.readString(locate("compose/nats/nats-" + i + ".conf"));
      assertTrue(conf.contains("include ./accounts.conf"), "nats-" + i + ".conf has no accounts");
      String service = service(compose, "nats-" + i);
      assertTrue(service.contains("./nats/accounts.conf:/etc/nats/accounts.conf:ro"), service);
      assertTrue(service.contains("env_file: ./certs/nats-server.env"), service);
    }
    assertTrue(service(compose, "api").contains("env_file: ./certs/nats-api.env"));
    assertTrue(service(compose, "worker").contains("env_file: ./certs/nats-worker.env"));
    String gen = Files.readString(locate("compose/gen-dev-cert.sh"));
    assertTrue(gen.contains("FAAS_NATS_USER=worker") && gen.contains("FAAS_NATS_USER=api"));
  }

  @Test
  void kumoriRunsTheSameAccountsAndNodesAuthenticateAsTheirRole() throws IOException {
    String nats = Files.readString(locate("kumori/nats/component_artifact.cue"));
    String block = accounts.substring(accounts.indexOf("authorization {")).strip();
    assertTrue(
        normalize(nats).contains(normalize(block)),
        "kumori/nats carries another authorization block than compose/nats/accounts.conf");
    assertTrue(nats.contains("FAAS_NATS_API_PASSWORD: secret:"));
    assertTrue(nats.contains("FAAS_NATS_WORKER_PASSWORD: secret:"));
    for (String role : List.of("api", "worker")) {
      String component = Files.readString(locate("kumori/" + role + "/component_artifact.cue"));
      assertTrue(
          component.matches("(?s).*FAAS_NATS_USER: value:\\s+\"" + role + "\".*"),
          "kumori/" + role + " does not authenticate as " + role);
      assertTrue(component.contains("FAAS_NATS_PASSWORD: secret:"), "kumori/" + role);
    }
  }

  @Test
  void theSubjectMatcherOfThisTestMatchesLikeNats() {
    assertTrue(matches("$JS.API.>", "$JS.API.DIRECT.GET.KV_config"));
    assertTrue(matches("$JS.API.CONSUMER.*.*.ACTIVATIONS.>",
        "$JS.API.CONSUMER.CREATE.KV_config.ACTIVATIONS.$KV.config.x"));
    assertFalse(matches("$JS.API.DIRECT.GET.KV_functions.>", "$JS.API.DIRECT.GET.KV_config.x"));
    assertFalse(matches("faas.*", "faas.a.b"));
    assertEquals(List.of("a", "b"), quoted("x \"a\" y \"b\""));
  }

  /** NATS subject matching: {@code *} is one token, a final {@code >} one or more. */
  static boolean matches(String pattern, String subject) {
    String[] p = pattern.split("\\.");
    String[] s = subject.split("\\.");
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals(">")) {
        return s.length > i;
      }
      if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
        return false;
      }
    }
    return p.length == s.length;
  }

  private static String section(String text, String block, String from, String to) {
    String rest = text.substring(text.indexOf(block + " = {"));
    int start = rest.indexOf(from + ":");
    int end = rest.indexOf(to, start + from.length() + 1);
    return rest.substring(start, end);
  }

  private static List<String> quoted(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(text.replaceAll("(?m)#.*$", ""));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The lines of a compose service, from its name to the next service. */
  private static String service(String compose, String name) {
    int start = compose.indexOf("\n  " + name + ":\n", compose.indexOf("\nservices:\n"));
    assertTrue(start >= 0, "no compose service " + name);
    Matcher next = Pattern.compile("\n  [a-z0-9-]+:\n|\n[a-z]").matcher(compose);
    int end = next.find(start + 1) ? next.start() : compose.length();
    return compose.substring(start, end);
  }

  private static String normalize(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty())
        .collect(Collectors.joining("\n"));
  }

  private static Path locate(String relative) {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path base : List.of(cwd.resolve(".."), cwd)) {
      Path candidate = base.resolve(relative).normalize();
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(relative + " not found from " + cwd);
  }
}
