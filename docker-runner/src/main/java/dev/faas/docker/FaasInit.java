package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumeOptions;
import dev.faas.actors.runtime.ContainerSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * faas-init, the PID 1 of stdin-mode containers (docs/decisions/0006; source in {@code
 * src/main/c/faas-init.c}, compiled static by the build for the build machine's architecture):
 * its binary, and the engine volume that holds it.
 *
 * <p>The volume is named after the binary's digest, so every platform and node on an engine
 * shares one copy per version, written once and never rewritten: containers mount it read-only
 * at {@link #MOUNT}. Writing it needs a container (the engine writes into volumes only through
 * one); the writer is a container that is created, never started, under a fixed name, which makes
 * it the lock between nodes that start together. The writer is made from the platform's own image
 * ({@link ProbeImage}), and its mount of the volume is {@code nocopy}, so nothing of a user's image
 * ever reaches the volume; and the volume's binary is read back and its SHA-256 compared with the
 * bundled binary's before it is used, rewritten when it differs (docs/decisions/0017). The digest
 * file written after the binary is only a label for people: nothing trusts it.
 */
final class FaasInit {
  static final String MOUNT = "/.faas";
  static final String PATH = MOUNT + "/faas-init";
  private static final String DIGEST_FILE = "faas-init.sha256";
  /** A writer this old was left by a node that crashed while writing. */
  private static final Duration STALE_WRITER = Duration.ofMinutes(1);
  private static final long LOCK_POLL_MILLIS = 100;

  private final byte[] binary;
  private final String digest;

  /** faas-init's option that bounds the CPU a container spends before its call. */
  static String precallOption(Duration precallCpu) {
    return "--precall-cpu-ms=" + precallCpu.toMillis();
  }

  /** A faas-init of these bytes; {@link #bundled} gives the real one. */
  FaasInit(byte[] binary) {
    this.binary = binary;
    this.digest = sha256(binary);
  }

  /**
   * The binary bundled for an engine reporting {@code architecture} (as {@code docker info} does:
   * {@code x86_64}, {@code aarch64}), if this build has one.
   */
  static Optional<FaasInit> bundled(String architecture) {
    String name = "faas-init." + javaArch(architecture);
    try (InputStream in = FaasInit.class.getResourceAsStream(name)) {
      return in == null ? Optional.empty() : Optional.of(new FaasInit(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException("read bundled " + name, e);
    }
  }

  /** The binary itself. */
  byte[] binary() {
    return binary.clone();
  }

  /** The engine volume holding this version. */
  String volume() {
    return "faas-init-" + digest.substring(0, 12);
  }

  /**
   * Makes sure the engine's volume holds this binary, byte for byte; blocking. {@code image} is an
   * image on the engine the writer container is created from, never started: the runtime gives
   * the platform's own; whatever it holds, none of it reaches the volume ({@code nocopy}).
   *
   * @return true when this call wrote the volume, false when it held the binary already
   * @throws IllegalStateException when the volume does not hold the binary after writing it
   * @throws NotFoundException when {@code image} is not on the engine
   * @throws IllegalStateException when another node held the writer lock past {@code lockWait}
   */
  boolean install(DockerClient docker, String image, String platform, Duration lockWait) {
    String writerName = volume() + "-writer";
    docker
        .createVolumeCmd()
        .withName(volume())
        .withLabels(Map.of("dev.faas.role", "faas-init"))
        .exec();
    Instant deadline = Instant.now().plus(lockWait);
    while (true) {
      String writer;
      try {
        writer =
            docker
                .createContainerCmd(image)
                .withName(writerName)
                .withEntrypoint(PATH)
                .withNetworkDisabled(true)
                // The platform's sweeps remove it should this node die before it does.
                .withLabels(
                    Map.of(ContainerSpec.PLATFORM_LABEL, platform, "dev.faas.role", "faas-init"))
                .withHostConfig(
                    HostConfig.newHostConfig()
                        .withMounts(
                            List.of(
                                new Mount()
                                    .withType(MountType.VOLUME)
                                    .withSource(volume())
                                    .withTarget(MOUNT)
                                    // An empty volume would otherwise be filled from the
                                    // writer image's own /.faas.
                                    .withVolumeOptions(new VolumeOptions().withNoCopy(true)))))
                .exec()
                .getId();
      } catch (ConflictException e) {
        // Another node is writing (or crashed while writing): wait for it, or clear its leftover.
        removeIfStale(docker, writerName);
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "container " + writerName + " held the faas-init volume for over " + lockWait, e);
        }
        pause();
        continue;
      }
      try {
        if (whole(docker, writer)) {
          return false;
        }
        docker
            .copyArchiveToContainerCmd(writer)
            .withRemotePath(MOUNT)
            .withTarInputStream(new ByteArrayInputStream(archive()))
            .exec();
        if (!whole(docker, writer)) {
          throw new IllegalStateException(
              "the faas-init volume " + volume() + " does not hold the binary written into it");
        }
        return true;
      } finally {
        docker.removeContainerCmd(writer).withForce(true).exec();
      }
    }
  }

  /** The tar the volume receives: the binary, then its digest (the mark of a whole copy). */
  byte[] archive() {
    ByteArrayOutputStream tar = new ByteArrayOutputStream(binary.length + 4096);
    Tar.file(tar, "faas-init", 0755, binary);
    Tar.file(tar, DIGEST_FILE, 0444, (digest + "\n").getBytes(StandardCharsets.US_ASCII));
    Tar.end(tar);
    return tar.toByteArray();
  }

  /** Whether the volume's {@code faas-init} is a regular file with exactly this binary's bytes. */
  private boolean whole(DockerClient docker, String writer) {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(docker.copyArchiveFromContainerCmd(writer, PATH).exec())) {
      TarArchiveEntry entry = tar.getNextEntry();
      if (entry == null || !entry.isFile() || entry.getSize() != binary.length) {
        return false;
      }
      return digest.equals(sha256(tar.readAllBytes()));
    } catch (NotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("read faas-init back from its volume", e);
    }
  }

  private static void removeIfStale(DockerClient docker, String writerName) {
    try {
      String created = docker.inspectContainerCmd(writerName).exec().getCreated();
      if (created != null
          && Instant.parse(created).isBefore(Instant.now().minus(STALE_WRITER))) {
        docker.removeContainerCmd(writerName).withForce(true).exec();
      }
    } catch (NotFoundException | ConflictException | DateTimeParseException e) {
      // Gone meanwhile, being removed, or undated: the next attempt tells.
    }
  }

  private static void pause() {
    try {
      Thread.sleep(LOCK_POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the faas-init volume", e);
    }
  }

  /** Java's name for an architecture as the engine names it. */
  private static String javaArch(String engineArchitecture) {
    return switch (engineArchitecture) {
      case "x86_64" -> "amd64";
      case "arm64" -> "aarch64";
      default -> engineArchitecture;
    };
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Just enough of POSIX ustar for regular files owned by root. */
  private static final class Tar {
    private static final int BLOCK = 512;

    static void file(ByteArrayOutputStream out, String name, int mode, byte[] content) {
      byte[] header = new byte[BLOCK];
      put(header, 0, name);
      put(header, 100, octal(mode, 7));
      put(header, 108, octal(0, 7)); // uid
      put(header, 116, octal(0, 7)); // gid
      put(header, 124, octal(content.length, 11));
      put(header, 136, octal(0, 11)); // mtime
      header[156] = '0'; // regular file
      put(header, 257, "ustar");
      put(header, 263, "00");
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, octal(sum, 6));
      header[154] = 0;
      out.writeBytes(header);
      out.writeBytes(content);
      out.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
    }

    static void end(ByteArrayOutputStream out) {
      out.writeBytes(new byte[2 * BLOCK]);
    }

    private static String octal(long value, int digits) {
      String text = Long.toOctalString(value);
      return "0".repeat(Math.max(0, digits - text.length())) + text;
    }

    private static void put(byte[] header, int at, String text) {
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(bytes, 0, header, at, bytes.length);
    }
  }
}
