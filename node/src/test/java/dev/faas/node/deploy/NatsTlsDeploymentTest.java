package dev.faas.node.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Where NATS traffic crosses hosts (Kumori), it is TLS (docs/decisions/0019): the servers require
 * it of clients and of routes, every node dials {@code tls://} and is given the CA, and the
 * secrets that carry the certificate reach the components from the deployment. compose stays
 * plain: one host, one internal Docker network. NatsTlsIT runs a node against such a server.
 */
class NatsTlsDeploymentTest {

  @Test
  void kumorisNatsRequiresTlsOfClientsAndOfRoutes() throws IOException {
    String nats = read("kumori/nats/component_artifact.cue");
    String config = nats.substring(nats.indexOf("data: value: \"\"\""));
    int cluster = config.indexOf("cluster {");
    assertTrue(cluster > 0, "no cluster block");
    String clients = config.substring(0, cluster);
    String routes = block(config, cluster);
    assertTrue(
        clients.matches("(?s).*\\n\\s*tls \\{[^}]*cert_file: /etc/nats/tls/server.crt[^}]*"
            + "key_file: /etc/nats/tls/server.key[^}]*}.*"),
        "no top-level tls block for clients");
    assertTrue(routes.contains("tls {"), "routes without TLS: " + routes);
    assertTrue(routes.contains("ca_file: /etc/nats/tls/ca.crt"), routes);
    assertTrue(routes.contains("verify: true"), "routes must verify each other: " + routes);
    assertFalse(config.contains("insecure"), "a route that does not check certificates");
    for (String file : List.of("server.crt", "server.key", "ca.crt")) {
      assertTrue(
          nats.matches("(?s).*\"/etc/nats/tls/" + file + "\": \\{secret: \"nats_[a-z_]+\"}.*"),
          "kumori/nats does not mount " + file + " from a secret");
    }
    for (String secret : List.of("nats_tls_cert", "nats_tls_key", "nats_ca")) {
      assertTrue(nats.matches("(?s).*\\b" + secret + ":\\s+k\\.#Secret.*"), secret);
    }
  }

  @Test
  void kumorisNodesDialTlsAndTrustTheCa() throws IOException {
    for (String role : List.of("api", "worker")) {
      String component = read("kumori/" + role + "/component_artifact.cue");
      assertTrue(
          component.matches("(?s).*FAAS_NATS_URL: value:\\s+\"tls://[^\"]+\".*"),
          "kumori/" + role + " does not dial NATS over TLS");
      assertFalse(component.contains("nats://"), "kumori/" + role + " names a plain NATS URL");
      Matcher ca = Pattern.compile("FAAS_NATS_CA: value:\\s+\"([^\"]+)\"").matcher(component);
      assertTrue(ca.find(), "kumori/" + role + " has no FAAS_NATS_CA");
      assertTrue(
          component.contains("\"" + ca.group(1) + "\": {secret: \"nats_ca\"}"),
          "kumori/" + role + " does not mount the CA where FAAS_NATS_CA points");
      assertTrue(component.contains("nats_ca: k.#Secret"), "kumori/" + role);
    }
  }

  @Test
  void theServiceAndTheDeploymentCarryTheTlsSecrets() throws IOException {
    String service = read("kumori/service/service_artifact.cue");
    String deployment = read("kumori/deployment/manifest.cue");
    for (String secret : List.of("nats_tls_cert", "nats_tls_key", "nats_ca")) {
      assertTrue(service.contains(secret + ":") && service.contains("res." + secret), secret);
      assertTrue(
          deployment.matches("(?s).*" + secret + ": secret:\\s+\"faas_" + secret + "\".*"),
          "the deployment does not register " + secret);
    }
    // Both node roles get the CA.
    int api = service.indexOf("artifact: an.#Artifact");
    int worker = service.indexOf("artifact: wo.#Artifact");
    int nats = service.indexOf("artifact: na.#Artifact");
    assertTrue(service.substring(api, worker).contains("nats_ca:       res.nats_ca"));
    assertTrue(service.substring(worker, nats).contains("nats_ca:       res.nats_ca"));
  }

  @Test
  void composeStaysPlainOnItsOneHostNetwork() throws IOException {
    String compose = read("compose/docker-compose.yml");
    Matcher url = Pattern.compile("FAAS_NATS_URL: (\\S+)").matcher(compose);
    assertTrue(url.find(), "no FAAS_NATS_URL in compose");
    for (String server : url.group(1).split(",")) {
      assertTrue(server.startsWith("nats://nats-"), server);
    }
    assertTrue(
        read("docs/deployment.md").contains("compose keeps NATS plain"),
        "docs/deployment.md does not say why compose's NATS is plain");
  }

  /** The text of the block that opens at {@code from}, up to its closing brace. */
  private static String block(String text, int from) {
    int depth = 0;
    for (int i = text.indexOf('{', from); i < text.length(); i++) {
      if (text.charAt(i) == '{') {
        depth++;
      } else if (text.charAt(i) == '}' && --depth == 0) {
        return text.substring(from, i + 1);
      }
    }
    throw new AssertionError("unclosed block at " + from);
  }

  private static String read(String relative) throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path base : List.of(cwd.resolve(".."), cwd)) {
      Path candidate = base.resolve(relative).normalize();
      if (Files.isRegularFile(candidate)) {
        return Files.readString(candidate);
      }
    }
    throw new AssertionError(relative + " not found from " + cwd);
  }
}
