package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineImageNamesTest {
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @Test
  void theDefaultRegistryIsDroppedAsTheEnginePrintsIt() {
    assertEquals("alpine:3", EngineImageNames.of("alpine:3"));
    assertEquals("alpine:3", EngineImageNames.of("docker.io/library/alpine:3"));
    assertEquals("alpine:3", EngineImageNames.of("index.docker.io/library/alpine:3"));
    assertEquals("team/fn:1", EngineImageNames.of("docker.io/team/fn:1"));
    assertEquals("team/fn:1", EngineImageNames.of("team/fn:1"));
  }

  @Test
  void aMissingTagIsLatest() {
    assertEquals("alpine:latest", EngineImageNames.of("alpine"));
    assertEquals("localhost:5000/fn:latest", EngineImageNames.of("localhost:5000/fn"));
  }

  @Test
  void otherRegistriesKeepTheirHost() {
    assertEquals("127.0.0.1:5000/team/fn:it", EngineImageNames.of("127.0.0.1:5000/team/fn:it"));
    assertEquals("ghcr.io/team/fn:2", EngineImageNames.of("ghcr.io/team/fn:2"));
  }

  @Test
  void aPinnedReferenceIsItsRepositoryAtItsDigest() {
    assertEquals("alpine@" + DIGEST, EngineImageNames.of("docker.io/library/alpine@" + DIGEST));
    assertEquals("alpine@" + DIGEST, EngineImageNames.of("alpine:3@" + DIGEST));
    assertEquals(
        "127.0.0.1:5000/fn@" + DIGEST, EngineImageNames.of("127.0.0.1:5000/fn:it@" + DIGEST));
  }
}
