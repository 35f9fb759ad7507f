package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.faas.actors.runtime.ContainerSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the engine can start a container now: the check behind a worker's readiness.
 *
 * <p>A ping only shows that the engine answers HTTP; a worker is useful only if containers start.
 * The evidence is cheap when the worker is busy: every container this runtime starts counts, and
 * a check within {@code freshness} of the last one is answered from it. Otherwise the check
 * starts a container of its own, the same way a function's is started (create, start, its exit,
 * remove), from a tiny image built on the engine from faas-init's binary ({@code
 * faas-probe:<digest>}, built once, so nothing is pulled): about a third of a second of engine
 * work, at most once per {@code freshness} on an idle worker. Without a faas-init binary for the
 * engine's architecture the check falls back to a ping. One check runs at a time; callers during
 * a check share its answer.
 */
final class EngineProbe {
  static final String IMAGE = "faas-probe";
  static final String ROLE_LABEL = "dev.faas.role";

  private final DockerClient control;
  private final Executor executor;
  private final DockerSettings settings;
  private final Duration freshness;
  private final AtomicReference<CompletableFuture<Void>> running = new AtomicReference<>();
  private volatile long lastStartNanos;
  private volatile boolean haveStarted;
  private volatile Optional<FaasInit> init;

  EngineProbe(DockerClient control, Executor executor, DockerSettings settings, Duration freshness) {
    this.control = control;
    this.executor = executor;
    this.settings = settings;
    this.freshness = freshness;
  }

  /** A container started: evidence that the engine works, as good as a probe. */
  void started() {
    lastStartNanos = System.nanoTime();
    haveStarted = true;
  }

  /** The engine failed a start: the next check does not rely on older evidence. */
  void failed() {
    haveStarted = false;
  }

  /** Completes normally when the engine started a container lately, or starts one now. */
  CompletableFuture<Void> check() {
    if (haveStarted && System.nanoTime() - lastStartNanos < freshness.toNanos()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> current = running.compareAndExchange(null, mine);
    if (current != null) {
      return current;
    }
    Async.run(executor, this::probe)
        .whenComplete(
            (ok, failure) -> {
              running.set(null);
              if (failure == null) {
                started();
                mine.complete(null);
              } else {
                failed();
                mine.completeExceptionally(EngineErrors.of("start a probe container", failure));
              }
            });
    return mine;
  }

  /** Blocking: one probe container's whole life, every call under its deadline. */
  private void probe() {
    Optional<FaasInit> init = bundledInit();
    if (init.isEmpty()) {
      control.pingCmd().exec();
      return;
    }
    String image = ensureImage(init.get());
    String id =
        control
            .createContainerCmd(image)
            .withLabels(Map.of(ContainerSpec.PLATFORM_LABEL, settings.platform(), ROLE_LABEL, "probe"))
            .withNetworkDisabled(true)
            .withHostConfig(
                HostConfig.newHostConfig()
                    .withNetworkMode("none")
                    .withMemory(16L * 1024 * 1024)
                    .withPidsLimit(4L)
                    .withReadonlyRootfs(true))
            .exec()
            .getId();
    try {
      control.startContainerCmd(id).exec();
    } finally {
      // Force: it may still be running when the start's answer comes; removal kills it.
      try {
        control.removeContainerCmd(id).withForce(true).exec();
      } catch (NotFoundException gone) {
        // removed meanwhile
      }
    }
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

  /** The probe image for {@code init}, built from its binary when the engine lacks it. */
  private String ensureImage(FaasInit init) {
    String tag = init.volume().substring(init.volume().lastIndexOf('-') + 1);
    String image = IMAGE + ":" + tag;
    try {
      control.inspectImageCmd(image).exec();
      return image;
    } catch (NotFoundException missing) {
      build(init, image);
      return image;
    }
  }

  /**
   * Builds {@code image}: faas-init alone on {@code scratch}, from a context made in memory.
   * (Importing the binary as a root filesystem would do as well, but docker-java sends an import's
   * body wrongly.) The build's own deadline is the control client's, on its answer and its end.
   */
  private void build(FaasInit init, String image) {
    byte[] context = buildContext(init.binary());
    try {
      control
          .buildImageCmd(new ByteArrayInputStream(context))
          .withTags(Set.of(image))
          .withLabels(Map.of(ROLE_LABEL, "probe"))
          .withPull(false)
          .exec(new BuildImageResultCallback())
          .awaitImageId(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      throw EngineErrors.of("build the probe image " + image, e);
    }
  }

  /** A build context: a Dockerfile and the binary, as a tar. */
  static byte[] buildContext(byte[] binary) {
    byte[] dockerfile =
        ("FROM scratch\nCOPY faas-init /faas-init\nENTRYPOINT [\"/faas-init\"]\n")
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
