package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * Function images for the integration tests, built locally since nothing can be pulled: a
 * busybox-static binary on {@code scratch}, and images that differ from it only in their command.
 */
final class TestImages {
  /** Command {@code cat}: echoes its input. */
  static final String CAT = "faas-test/busybox:it";
  /** Command {@code sh}: runs its input as a script. */
  static final String SH = "faas-test/sh:it";
  /** Command {@code echo hello}: for args mode, and for a process that exits without input. */
  static final String ECHO = "faas-test/echo:it";
  /** Command {@code sh -c}: for args mode, the first argument is the script. */
  static final String SH_C = "faas-test/sh-c:it";
  /** Writes {@code ready} to stderr, then echoes its input: startup output before any attach. */
  static final String CHATTY = "faas-test/chatty:it";
  /** Entrypoint {@code sh -c 'echo "$0|$1"; cat' from-entrypoint}, command {@code from-cmd}. */
  static final String ENTRY = "faas-test/entry:it";
  /** Command {@code yes flood}: writes stdout without end and never reads its input. */
  static final String FLOOD = "faas-test/flood:it";
  /**
   * Writes 256 KiB to stderr before it reads its input, echoes the input, then writes 1 MiB more
   * to stderr: a chatty runtime that logs while it starts and while it works.
   */
  static final String LOGS = "faas-test/logs:it";
  /** Spins a CPU from its start, then echoes its input: busy before its call. */
  static final String BUSY = "faas-test/busy:it";
  /** A command that does not exist: the engine refuses to start it. */
  static final String BROKEN = "faas-test/broken:it";
  /** Never built. */
  static final String MISSING = "faas-test/does-not-exist:it";

  private static final Path BUSYBOX = Path.of("/usr/bin/busybox");

  private TestImages() {}

  /** Builds every image (the engine's layer cache makes a rebuild take a moment). */
  static void build(DockerClient docker, Path workDir) {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IllegalStateException(
          BUSYBOX + " is missing: install busybox-static (see ENVIRONMENT.md)");
    }
    try {
      Path base = Files.createDirectories(workDir.resolve("busybox"));
      Files.copy(BUSYBOX, base.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
      build(
          docker,
          base,
          CAT,
          """
          FROM scratch
          COPY busybox /bin/busybox
          RUN ["/bin/busybox", "--install", "-s", "/bin"]
          CMD ["cat"]
          """);
      derive(docker, workDir, SH, "[\"sh\"]");
      derive(docker, workDir, ECHO, "[\"echo\", \"hello\"]");
      derive(docker, workDir, SH_C, "[\"sh\", \"-c\"]");
      derive(docker, workDir, CHATTY, "[\"sh\", \"-c\", \"echo ready >&2; exec cat\"]");
      derive(
          docker, workDir, BUSY, "[\"sh\", \"-c\", \"while :; do :; done & exec cat\"]");
      derive(docker, workDir, BROKEN, "[\"/no/such/command\"]");
      derive(docker, workDir, FLOOD, "[\"yes\", \"flood\"]");
      derive(
          docker,
          workDir,
          LOGS,
          "[\"sh\", \"-c\", \"yes start-up | head -c 262144 >&2; cat; yes work | head -c 1048576 >&2\"]");
      Path entry = Files.createDirectories(workDir.resolve("entry"));
      build(
          docker,
          entry,
          ENTRY,
          "FROM "
              + CAT
              + "\nENTRYPOINT [\"sh\", \"-c\", \"echo \\\"$0|$1\\\"; cat\", \"from-entrypoint\"]"
              + "\nCMD [\"from-cmd\"]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Builds {@code tag}: the cat image with a label of its own, so its id is shared with no other
   * image (removing it removes no other image's name). Needs {@link #build} first.
   */
  static void distinct(DockerClient docker, Path workDir, String tag) {
    try {
      Path dir = Files.createDirectories(workDir.resolve(tag.replaceAll("[^a-z0-9]", "_")));
      build(
          docker, dir, tag,
          "FROM " + CAT + "\nLABEL dev.faas.test.image=\"" + tag + "\"\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void derive(DockerClient docker, Path workDir, String tag, String cmd)
      throws IOException {
    Path dir = Files.createDirectories(workDir.resolve(tag.replaceAll("[^a-z0-9]", "_")));
    build(docker, dir, tag, "FROM " + CAT + "\nCMD " + cmd + "\n");
  }

  private static void build(DockerClient docker, Path dir, String tag, String dockerfile)
      throws IOException {
    Path file = dir.resolve("Dockerfile");
    Files.writeString(file, dockerfile);
    docker
        .buildImageCmd()
        .withDockerfile(file.toFile())
        .withBaseDirectory(dir.toFile())
        .withTags(Set.of(tag))
        .withPull(false)
        .exec(new BuildImageResultCallback())
        .awaitImageId();
  }
}
