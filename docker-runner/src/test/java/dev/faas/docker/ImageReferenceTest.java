package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  @ParameterizedTest
  @CsvSource({
    "busybox, busybox, latest",
    "busybox:1.36, busybox, 1.36",
    "library/busybox:1.36, library/busybox, 1.36",
    "127.0.0.1:5000/repo, 127.0.0.1:5000/repo, latest",
    "127.0.0.1:5000/repo:v2, 127.0.0.1:5000/repo, v2",
    "registry.example:443/team/fn:1, registry.example:443/team/fn, 1",
    "127.0.0.1:5000/repo@sha256:abcd, 127.0.0.1:5000/repo, sha256:abcd",
    "repo:v1@sha256:abcd, repo, sha256:abcd",
    "127.0.0.1:5000/repo:v1@sha256:abcd, 127.0.0.1:5000/repo, sha256:abcd",
  })
  void splitsRepositoryFromTagOrDigest(String reference, String repository, String tag) {
    assertEquals(new ImageReference(repository, tag), ImageReference.parse(reference));
  }
}
