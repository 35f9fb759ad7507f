package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The platform's own tiny image on an engine: faas-init's binary alone on {@code scratch}, tagged
 * {@code faas-probe:<digest>}, built there once from a context made in memory, so nothing is ever
 * pulled. It runs the engine probe's containers and the workers' leases. Empty when this build has
 * no faas-init for the engine's architecture. Blocking; every call under the control client's
 * deadline.
 */
final class ProbeImage {
  static final String NAME = "faas-probe";

  private final DockerClient control;
  private final DockerSettings settings;
  private volatile Optional<FaasInit> init;

  ProbeImage(DockerClient control, DockerSettings settings) {
    this.control = control;
    this.settings = settings;
  }

  /** The image's name, built first when the engine lacks it; empty without a faas-init. */
  Optional<String> ensure() {
    Optional<FaasInit> binary = bundledInit();
    if (binary.isEmpty()) {
      return Optional.empty();
    }
    String volume = binary.get().volume();
    String image = NAME + ":" + volume.substring(volume.lastIndexOf('-') + 1);
    try {
      control.inspectImageCmd(image).exec();
    } catch (NotFoundException missing) {
      build(binary.get(), image);
    }
    return Optional.of(image);
  }

  /** faas-init for the engine's architecture, looked up once (an engine keeps its architecture). */
  private Optional<FaasInit> bundledInit() {
    Optional<FaasInit> known = init;
    if (known == null) {
      known = FaasInit.bundled(control.infoCmd().exec().getArchitecture());
      init = known;
    }
    return known;
  }

  /**
   * Builds {@code image} from a context in memory. (Importing the binary as a root filesystem
   * would do as well, but docker-java sends an import's body wrongly.)
   */
  private void build(FaasInit init, String image) {
    byte[] context = buildContext(init.binary());
    try {
      control
          .buildImageCmd(new ByteArrayInputStream(context))
          .withTags(Set.of(image))
          .withLabels(Map.of(EngineProbe.ROLE_LABEL, "probe"))
          .withPull(false)
          .exec(new BuildImageResultCallback())
          .awaitImageId(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      throw EngineErrors.of("build the image " + image, e);
    }
  }

  /** A build context: a Dockerfile and the binary, as a tar. */
  static byte[] buildContext(byte[] binary) {
    byte[] dockerfile =
        "FROM scratch\nCOPY faas-init /faas-init\nENTRYPOINT [\"/faas-init\"]\n"
            .getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream(binary.length + 4096);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      add(tar, "Dockerfile", 0644, dockerfile);
      add(tar, "faas-init", 0755, binary);
    } catch (IOException e) {
      throw new UncheckedIOException("tar in memory", e);
    }
    return out.toByteArray();
  }

  private static void add(TarArchiveOutputStream tar, String name, int mode, byte[] content)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(mode);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
