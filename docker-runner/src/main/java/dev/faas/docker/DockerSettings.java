package dev.faas.docker;

import dev.faas.actors.runtime.ContainerSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the runtime reaches the Docker engine and the few choices it makes on its own.
 *
 * @param dockerHost the engine's address: {@code unix:///var/run/docker.sock} or {@code
 *     tcp://host:port}
 * @param apiVersion the engine API version to speak; pinned because the client would otherwise
 *     negotiate down to an old default
 * @param platform this platform instance's name: the value of {@link ContainerSpec#PLATFORM_LABEL}
 *     on every container it creates, so one platform never removes another's containers
 * @param maxControlConnections connections for short calls (create, start, inspect, kill, remove)
 * @param maxStreamConnections connections for long-lived calls: each running activation, and each
 *     stdin-mode container waiting in the warm pool, holds three (output attach, stdin attach,
 *     wait), so this bounds running and pre-started containers together
 * @param connectTimeout how long to wait for a connection to the engine
 * @param callTimeout the deadline of every engine call: a short call must be over within it, a
 *     streaming call (attach, wait, events) must have been answered within it; the stream that
 *     follows has none, since a function may stay silent for as long as its own timeout allows
 * @param outputBufferFrames how many output frames (docker-java reads at most 1 KiB per frame) may
 *     wait for a slow consumer before the reading thread stops reading (and the engine, then the
 *     container, stop writing)
 * @param exitedAttachGrace after the container has exited, how long an output attach may stay idle
 *     before it is closed: a guard, since attaches are made before the start and the engine ends
 *     them when the container stops
 * @param faasInit run stdin-mode containers under faas-init, which marks the end of the
 *     function's output as soon as its process exits (docs/decisions/0006); false: under the
 *     engine's docker-init, the run ending when the engine ends the attach, ~30 ms later
 * @param precallCpu how much CPU a pre-started container may use before its call; past it,
 *     faas-init freezes it until the call comes. A container faas-init does not watch is paused
 *     by the engine once it has waited this long, as wall time (docs/decisions/0008)
 * @param pullTimeout the deadline of pulling a missing image, answer and progress stream
 *     together: a pull is a long streaming call, so {@code callTimeout} does not bound it
 * @param imageCache how the worker's {@link ImageJanitor} bounds the engine's image store
 * @param sandbox the user functions run as and their egress network (docs/decisions/0017)
 */
public record DockerSettings(
    URI dockerHost,
    String apiVersion,
    String platform,
    int maxControlConnections,
    int maxStreamConnections,
    Duration connectTimeout,
    Duration callTimeout,
    int outputBufferFrames,
    Duration exitedAttachGrace,
    boolean faasInit,
    Duration precallCpu,
    Duration pullTimeout,
    ImageCacheSettings imageCache,
    SandboxSettings sandbox) {

  /** The local engine's socket. */
  public static final URI LOCAL_ENGINE = URI.create("unix:///var/run/docker.sock");

  /** The API version of Docker 20.10, the oldest engine this runtime is tested against. */
  public static final String API_VERSION = "1.41";

  public DockerSettings {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(exitedAttachGrace, "exitedAttachGrace");
    Objects.requireNonNull(precallCpu, "precallCpu");
    Objects.requireNonNull(pullTimeout, "pullTimeout");
    Objects.requireNonNull(imageCache, "imageCache");
    Objects.requireNonNull(sandbox, "sandbox");
    if (platform == null || platform.isBlank()) {
      throw new IllegalArgumentException("platform name is required");
    }
    if (maxControlConnections < 1 || maxStreamConnections < 1) {
      throw new IllegalArgumentException("connection pools need at least one connection");
    }
    if (outputBufferFrames < 1) {
      throw new IllegalArgumentException("outputBufferFrames must be positive");
    }
    if (precallCpu.isNegative()) {
      throw new IllegalArgumentException("precallCpu must not be negative");
    }
    if (pullTimeout.isNegative() || pullTimeout.isZero()) {
      throw new IllegalArgumentException("pullTimeout must be positive");
    }
  }

  /** Settings for the local engine, labelling containers with {@code platform}. */
  public static DockerSettings defaults(String platform) {
    return new DockerSettings(
        LOCAL_ENGINE,
        API_VERSION,
        platform,
        32,
        256,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        64,
        Duration.ofSeconds(1),
        true,
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        ImageCacheSettings.defaults(),
        SandboxSettings.defaults());
  }

  /** The same settings for another engine address. */
  public DockerSettings withDockerHost(URI host) {
    return change(c -> c.dockerHost = host);
  }

  /** The same settings speaking another API version. */
  public DockerSettings withApiVersion(String version) {
    return change(c -> c.apiVersion = version);
  }

  /** The same settings with another deadline for engine calls (and engine answers). */
  public DockerSettings withCallTimeout(Duration timeout) {
    return change(c -> c.callTimeout = timeout);
  }

  /** The same settings with another number of connections for control calls. */
  public DockerSettings withMaxControlConnections(int connections) {
    return change(c -> c.maxControlConnections = connections);
  }

  /** The same settings, with faas-init on or off. */
  public DockerSettings withFaasInit(boolean on) {
    return change(c -> c.faasInit = on);
  }

  /** The same settings with another pre-call CPU budget. */
  public DockerSettings withPrecallCpu(Duration budget) {
    return change(c -> c.precallCpu = budget);
  }

  /** The same settings with another deadline for pulling a missing image. */
  public DockerSettings withPullTimeout(Duration timeout) {
    return change(c -> c.pullTimeout = timeout);
  }

  /** The same settings with another bound on the engine's image store. */
  public DockerSettings withImageCache(ImageCacheSettings cache) {
    return change(c -> c.imageCache = cache);
  }

  /** The same settings with other sandbox choices. */
  public DockerSettings withSandbox(SandboxSettings sandbox) {
    return change(c -> c.sandbox = sandbox);
  }

  /** These settings with {@code edit} applied to a copy; checked again as any new settings. */
  private DockerSettings change(Consumer<Copy> edit) {
    Copy copy = new Copy(this);
    edit.accept(copy);
    return copy.settings();
  }

  /** A working copy of the settings for one wither: every field once, here only. */
  private static final class Copy {
    URI dockerHost;
    String apiVersion;
    final String platform;
    int maxControlConnections;
    final int maxStreamConnections;
    final Duration connectTimeout;
    Duration callTimeout;
    final int outputBufferFrames;
    final Duration exitedAttachGrace;
    boolean faasInit;
    Duration precallCpu;
    Duration pullTimeout;
    ImageCacheSettings imageCache;
    SandboxSettings sandbox;

    Copy(DockerSettings s) {
      dockerHost = s.dockerHost;
      apiVersion = s.apiVersion;
      platform = s.platform;
      maxControlConnections = s.maxControlConnections;
      maxStreamConnections = s.maxStreamConnections;
      connectTimeout = s.connectTimeout;
      callTimeout = s.callTimeout;
      outputBufferFrames = s.outputBufferFrames;
      exitedAttachGrace = s.exitedAttachGrace;
      faasInit = s.faasInit;
      precallCpu = s.precallCpu;
      pullTimeout = s.pullTimeout;
      imageCache = s.imageCache;
      sandbox = s.sandbox;
    }

    DockerSettings settings() {
      return new DockerSettings(
          dockerHost, apiVersion, platform, maxControlConnections, maxStreamConnections,
          connectTimeout, callTimeout, outputBufferFrames, exitedAttachGrace,
          faasInit, precallCpu, pullTimeout, imageCache, sandbox);
    }
  }
}
