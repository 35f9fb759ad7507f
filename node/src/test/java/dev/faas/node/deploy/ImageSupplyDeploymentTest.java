package dev.faas.node.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Keeps the deployments' image supply consistent (docs/images.md): in compose every FaaS node
 * runs the registry policy, the registry users push to is published on the host's loopback only
 * and is reachable both where references are resolved (API nodes, on {@code core}) and where they
 * are pulled (dind, on {@code engine}), and its CA is trusted in both places under the name the
 * certificate carries; in Kumori both node roles get the policy. SnakeYAML reads compose, because
 * the file relies on anchors and merge keys. Paths are resolved from the node module's directory.
 */
class ImageSupplyDeploymentTest {

  /** The registry's name and port inside the deployment: what users register references with. */
  private static final String REGISTRY = "registry:5000";

  private static final String CERTS_D = "/etc/docker/certs.d";

  private static Map<String, Object> compose;
  private static Map<String, Object> registryConfig;
  private static String env;
  private static String genDevCert;

  @BeforeAll
  static void load() throws IOException {
    compose = new Yaml().load(read("compose/docker-compose.yml"));
    registryConfig = new Yaml().load(read("compose/registry/config.yml"));
    env = read("compose/.env");
    genDevCert = read("compose/gen-dev-cert.sh");
  }

  @Test
  void everyFaasNodeInComposeRunsTheRegistryPolicy() {
    List<String> nodes = new ArrayList<>();
    services().forEach(
        (name, service) -> {
          if (String.valueOf(map(service).get("image")).startsWith("faas-node:")) {
            nodes.add(name);
            Map<String, Object> environment = map(map(service).get("environment"));
            assertEquals(
                "registry", environment.get("FAAS_IMAGE_POLICY"), name + ": FAAS_IMAGE_POLICY");
            assertTrue(
                environment.containsKey("FAAS_REGISTRY_ALLOW"), name + ": FAAS_REGISTRY_ALLOW");
          }
        });
    assertEquals(List.of("api", "worker"), nodes.stream().sorted().toList());
  }

  @Test
  void theRegistryIsPublishedOnTheHostsLoopbackOnly() {
    List<Object> ports = list(service("registry").get("ports"));
    assertFalse(ports.isEmpty(), "registry publishes no port: users could not push");
    for (Object port : ports) {
      String mapping = String.valueOf(port);
      assertTrue(mapping.startsWith("127.0.0.1:"), "not on loopback: " + mapping);
      assertTrue(mapping.endsWith(":5000"), "not the registry's port 5000: " + mapping);
    }
  }

  @Test
  void theRegistryIsReachedWhereReferencesAreResolvedAndWherePulled() {
    Set<String> registryNets = networks("registry");
    assertTrue(registryNets.containsAll(networks("api")), "API nodes resolve: " + registryNets);
    assertTrue(registryNets.containsAll(networks("dind")), "the engine pulls: " + registryNets);
  }

  @Test
  void theRegistryCaIsTrustedByTheResolverAndThePuller() {
    for (String name : List.of("api", "worker", "dind")) {
      String source = certsDirSource(name);
      assertEquals("./certs/certs.d", source, name + " trusts registries from " + source);
    }
    assertTrue(
        genDevCert.contains("certs/certs.d/" + REGISTRY) && genDevCert.contains("ca.crt"),
        "gen-dev-cert.sh does not write certs.d/" + REGISTRY + "/ca.crt");
    assertTrue(
        genDevCert.contains("DNS:registry,"), "the registry's certificate must name 'registry'");
    assertTrue(
        genDevCert.contains("IP:127.0.0.1"), "the registry's certificate must name 127.0.0.1");
  }

  @Test
  void theRegistryServesTlsWithTheCertificateItIsGiven() {
    Map<String, Object> http = map(registryConfig.get("http"));
    assertEquals(":5000", http.get("addr"));
    Map<String, Object> tls = map(http.get("tls"));
    String mountedCerts = mountTarget("registry", "./certs/registry");
    assertEquals(mountedCerts + "/registry.crt", tls.get("certificate"));
    assertEquals(mountedCerts + "/registry.key", tls.get("key"));
    assertTrue(genDevCert.contains("$reg/registry.crt") && genDevCert.contains("$reg/registry.key"));
    String storage =
        String.valueOf(map(map(registryConfig.get("storage")).get("filesystem")).get("rootdirectory"));
    assertEquals(storage, mountTarget("registry", "registry-data"), "images outlive the container");
    assertEquals(
        "/etc/docker/registry/config.yml", mountTarget("registry", "./registry/config.yml"));
  }

  @Test
  void everyVariableComposeUsesHasADefault() throws IOException {
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(read("compose/docker-compose.yml"));
    while (m.find()) {
      used.add(m.group(1));
    }
    Set<String> missing = new TreeSet<>();
    for (String variable : used) {
      if (!Pattern.compile("(?m)^" + variable + "=").matcher(env).find()) {
        missing.add(variable);
      }
    }
    assertTrue(used.contains("REGISTRY_PORT") && used.contains("FAAS_REGISTRY_ALLOW"), "" + used);
    assertEquals(Set.of(), missing, "variables without a default in compose/.env");
  }

  @Test
  void kumoriNodesRunTheRegistryPolicy() throws IOException {
    for (String role : List.of("api", "worker")) {
      String artifact = read("kumori/" + role + "/component_artifact.cue");
      assertTrue(
          artifact.matches("(?s).*imagePolicy:\\s+\\*\"registry\".*"),
          role + ": imagePolicy must default to registry");
      assertTrue(
          artifact.matches("(?s).*FAAS_IMAGE_POLICY: value:\\s+params\\.imagePolicy\\n.*"),
          role + ": FAAS_IMAGE_POLICY is not set from imagePolicy");
      assertTrue(
          artifact.matches("(?s).*FAAS_REGISTRY_ALLOW: value:\\s+params\\.registryAllow\\n.*"),
          role + ": FAAS_REGISTRY_ALLOW is not set from registryAllow");
    }
    String service = read("kumori/service/service_artifact.cue");
    assertEquals(
        2,
        Pattern.compile("imagePolicy:\\s+params\\.imagePolicy").matcher(service).results().count(),
        "the service must hand its imagePolicy to both api and worker");
    assertTrue(read("kumori/deployment/manifest.cue").contains("imagePolicy:          \"registry\""));
  }

  private static Map<String, Object> services() {
    return map(compose.get("services"));
  }

  private static Map<String, Object> service(String name) {
    Map<String, Object> service = map(services().get(name));
    assertFalse(service.isEmpty(), "no service " + name);
    return service;
  }

  private static Set<String> networks(String name) {
    Object networks = service(name).get("networks");
    Set<String> names = new TreeSet<>();
    if (networks instanceof Map<?, ?> byName) {
      byName.keySet().forEach(k -> names.add(String.valueOf(k)));
    } else {
      list(networks).forEach(n -> names.add(String.valueOf(n)));
    }
    return names;
  }

  /** The source of {@code name}'s volume mounted at /etc/docker/certs.d, read-only. */
  private static String certsDirSource(String name) {
    for (Object volume : list(service(name).get("volumes"))) {
      String[] parts = String.valueOf(volume).split(":");
      if (parts.length == 3 && parts[1].equals(CERTS_D)) {
        assertEquals("ro", parts[2], name + " mounts " + CERTS_D + " writable");
        return parts[0];
      }
    }
    throw new AssertionError(name + " does not mount " + CERTS_D);
  }

  private static String mountTarget(String name, String source) {
    for (Object volume : list(service(name).get("volumes"))) {
      String[] parts = String.valueOf(volume).split(":");
      if (parts[0].equals(source)) {
        return parts[1];
      }
    }
    throw new AssertionError(name + " does not mount " + source);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  private static String read(String relative) throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path base : List.of(cwd.resolve(".."), cwd)) {
      Path candidate = base.resolve(relative).normalize();
      if (Files.isRegularFile(candidate)) {
        return Files.readString(candidate, StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError(relative + " not found from " + cwd);
  }
}
