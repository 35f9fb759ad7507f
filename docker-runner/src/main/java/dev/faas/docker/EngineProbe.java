package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
 * remove), from the platform's tiny image ({@link ProbeImage}): about a third of a second of engine
 * work, at most once per {@code freshness} on an idle worker. Without a faas-init binary for the
 * engine's architecture the check falls back to a ping. One check runs at a time; callers during
 * a check share its answer.
 */
final class EngineProbe {
  static final String ROLE_LABEL = "dev.faas.role";

  private final DockerClient control;
  private final ProbeImage image;
  private final Executor executor;
  private final DockerSettings settings;
  private final Duration freshness;
  private final AtomicReference<CompletableFuture<Void>> running = new AtomicReference<>();
  private volatile long lastStartNanos;
  private volatile boolean haveStarted;

  EngineProbe(
      DockerClient control,
      Executor executor,
      DockerSettings settings,
      ProbeImage image,
      Duration freshness) {
    this.control = control;
    this.image = image;
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
    Optional<String> image = this.image.ensure();
    if (image.isEmpty()) {
      control.pingCmd().exec();
      return;
    }
    String id =
        control
            .createContainerCmd(image.get())
            .withLabels(
                Map.of(ContainerSpec.PLATFORM_LABEL, settings.platform(), ROLE_LABEL, "probe"))
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
}
