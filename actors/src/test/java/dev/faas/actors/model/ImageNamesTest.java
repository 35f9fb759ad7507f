package dev.faas.actors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageNamesTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "busybox, busybox, latest, -, docker.io, library/busybox",
        "busybox:1.36, busybox, 1.36, -, docker.io, library/busybox",
        "team/fn:1.36, team/fn, 1.36, -, docker.io, team/fn",
        "127.0.0.1:5000/repo, 127.0.0.1:5000/repo, latest, -, 127.0.0.1:5000, repo",
        "127.0.0.1:5000/repo:v2, 127.0.0.1:5000/repo, v2, -, 127.0.0.1:5000, repo",
        "localhost/fn, localhost/fn, latest, -, localhost, fn",
        "registry.example:443/team/fn:1, registry.example:443/team/fn, 1, -, registry.example:443,"
            + " team/fn",
        "127.0.0.1:5000/repo@sha256:abcd, 127.0.0.1:5000/repo, latest, sha256:abcd, 127.0.0.1:5000,"
            + " repo",
        "repo:v1@sha256:abcd, repo, v1, sha256:abcd, docker.io, library/repo",
      })
  void splitsAReferenceAsTheEngineReadsIt(
      String reference, String repository, String tag, String digest, String host, String path) {
    assertEquals(repository, ImageNames.repository(reference));
    assertEquals(tag, ImageNames.tag(reference));
    assertEquals(digest, ImageNames.digest(reference));
    assertEquals(host, ImageNames.host(reference));
    assertEquals(path, ImageNames.path(reference));
  }
}
