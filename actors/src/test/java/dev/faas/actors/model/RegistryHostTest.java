package dev.faas.actors.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryHostTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "docker.io",
        "ghcr.io",
        "registry.example:5000",
        "localhost",
        "localhost:5000",
        "127.0.0.1:5000",
        "[::1]:5000",
        "Registry.Example",
        "my-registry.internal"
      })
  void acceptsWhatAReferenceCanNameAsItsRegistry(String host) {
    assertTrue(Names.isRegistryHost(host), host);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "registry", // the engine reads a dotless first part as a path, not a registry
        "https://docker.io",
        "docker.io/library",
        "registry.example:",
        "registry.example:port",
        "-bad.example",
        "bad-.example",
        "a..b",
        "a b.example",
        "a*.example",
        "a>.example"
      })
  void refusesAnythingElse(String host) {
    assertFalse(Names.isRegistryHost(host), host);
  }

  @org.junit.jupiter.api.Test
  void refusesNullAndOverlongHosts() {
    assertFalse(Names.isRegistryHost(null));
    assertFalse(Names.isRegistryHost("a".repeat(250) + ".example"));
  }
}
