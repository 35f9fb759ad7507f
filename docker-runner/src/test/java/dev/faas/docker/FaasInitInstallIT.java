package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Installing faas-init's volume (docs/decisions/0006): nodes starting together on one engine
 * write it once between them, through the writer container's name, and leave no writer behind.
 */
class FaasInitInstallIT extends DockerFixture {

  @Test
  void concurrentInstallsWriteTheVolumeOnce() throws Exception {
    // Bytes of its own, so the volume is this test's alone.
    FaasInit init =
        new FaasInit(("not a binary " + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII));
    try {
      List<Callable<Boolean>> installs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        installs.add(
            () -> init.install(docker, TestImages.CAT, platform, Duration.ofSeconds(20)));
      }
      int wrote = 0;
      for (Future<Boolean> done : executor.invokeAll(installs)) {
        wrote += done.get() ? 1 : 0;
      }

      assertEquals(1, wrote, "one install wrote the volume, the others found it whole");
      assertFalse(init.install(docker, TestImages.CAT, platform, Duration.ofSeconds(20)));
    } finally {
      docker.removeVolumeCmd(init.volume()).exec();
    }
  }

  /**
   * A user's image that ships its own {@code /.faas} (a planted binary and the digest file that
   * vouches for it) gets none of it into the volume, even when the writer is made from that image:
   * the mount is {@code nocopy} and the binary is checked by its content (docs/decisions/0017).
   */
  @Test
  void aPlantedFaasDirectoryNeverReachesTheVolume() throws Exception {
    byte[] real = ("the platform's binary " + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
    FaasInit init = new FaasInit(real);
    String digest =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(real));
    String planted = "faas-test/planted-" + UUID.randomUUID().toString().substring(0, 8) + ":it";
    Path dir = Files.createTempDirectory("planted");
    Files.createDirectories(dir.resolve("faas"));
    Files.writeString(dir.resolve("faas/faas-init"), "#!/bin/sh\necho planted\n");
    // COPY keeps the mode; a RUN would need a network.
    Files.setPosixFilePermissions(
        dir.resolve("faas/faas-init"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("faas/faas-init.sha256"), digest + "\n");
    Files.writeString(
        dir.resolve("Dockerfile"),
        "FROM " + TestImages.CAT + "\nCOPY faas /.faas\n");
    docker
        .buildImageCmd()
        .withDockerfile(dir.resolve("Dockerfile").toFile())
        .withBaseDirectory(dir.toFile())
        .withTags(Set.of(planted))
        .withPull(false)
        .exec(new BuildImageResultCallback())
        .awaitImageId();
    try {
      // The worst case: the writer made from the user's image (as it was before 0017).
      init.install(docker, planted, platform, Duration.ofSeconds(20));
      assertArrayEquals(real, volumeBinary(init.volume()), "the volume holds the platform's binary");

      // A volume already holding a planted binary (an engine poisoned earlier) is rewritten.
      plant(init.volume(), planted);
      assertFalse(
          java.util.Arrays.equals(real, volumeBinary(init.volume())), "the plant took");
      init.install(docker, TestImages.CAT, platform, Duration.ofSeconds(20));
      assertArrayEquals(real, volumeBinary(init.volume()), "the planted binary was replaced");
    } finally {
      docker.removeVolumeCmd(init.volume()).exec();
      docker.removeImageCmd(planted).withForce(true).exec();
    }
  }

  /** The bytes of {@code /.faas/faas-init} in {@code volume}, read through a created container. */
  private byte[] volumeBinary(String volume) throws Exception {
    String reader = readerOf(volume, TestImages.CAT, false);
    try (InputStream in = docker.copyArchiveFromContainerCmd(reader, FaasInit.PATH).exec();
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      tar.getNextEntry();
      return tar.readAllBytes();
    } finally {
      docker.removeContainerCmd(reader).withForce(true).exec();
    }
  }

  /** Copies the planted image's {@code /.faas} over the volume's, as a poisoned engine has it. */
  private void plant(String volume, String planted) throws Exception {
    String source = docker.createContainerCmd(planted).withLabels(java.util.Map.of()).exec().getId();
    String target = readerOf(volume, TestImages.CAT, false);
    try (InputStream in = docker.copyArchiveFromContainerCmd(source, "/.faas/.").exec()) {
      byte[] tar = in.readAllBytes();
      docker
          .copyArchiveToContainerCmd(target)
          .withRemotePath(FaasInit.MOUNT)
          .withTarInputStream(new java.io.ByteArrayInputStream(tar))
          .exec();
    } finally {
      docker.removeContainerCmd(source).withForce(true).exec();
      docker.removeContainerCmd(target).withForce(true).exec();
    }
  }

  private String readerOf(String volume, String image, boolean readOnly) {
    return docker
        .createContainerCmd(image)
        .withHostConfig(
            HostConfig.newHostConfig()
                .withMounts(
                    List.of(
                        new Mount()
                            .withType(MountType.VOLUME)
                            .withSource(volume)
                            .withTarget(FaasInit.MOUNT)
                            .withReadOnly(readOnly))))
        .exec()
        .getId();
  }
}
