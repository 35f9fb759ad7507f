package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker's lease on its engine: a container that runs exactly as long as the worker's process
 * does (docs/decisions/0010). It runs {@code faas-init --hold} from the {@link ProbeImage}, which
 * reads its stdin until the end; the worker holds that stdin's attach open and never writes, so
 * when the worker's process dies, however it dies, its connection drops, the engine closes the
 * container's stdin and the lease ends. Another worker on the same engine then knows that the
 * containers carrying the dead worker's label are nobody's, and removes them at once instead of
 * waiting for them to grow old.
 *
 * <p>One lease per worker id and platform, by name; blocking calls, each under its deadline.
 */
final class WorkerLease implements AutoCloseable {
  static final String ROLE = "lease";

  private final DockerClient control;
  private final DockerClient streams;
  private final DockerSettings settings;
  private final ProbeImage image;
  private String containerId;
  private StdinCallback held;

  WorkerLease(
      DockerClient control, DockerClient streams, DockerSettings settings, ProbeImage image) {
    this.control = control;
    this.streams = streams;
    this.settings = settings;
    this.image = image;
  }

  /** The container name of {@code workerId}'s lease on this platform. */
  static String name(String platform, String workerId) {
    return ("faas-lease-" + platform + "-" + workerId).replaceAll("[^a-zA-Z0-9_.-]", "-");
  }

  /**
   * Makes sure {@code workerId}'s lease runs: the one this object holds, or a new one in place of
   * whatever had its name (a previous run's, ended). Empty when the engine cannot run one (no
   * faas-init for its architecture); otherwise the lease's container id.
   */
  synchronized Optional<String> ensure(String workerId) {
    if (containerId != null && running(containerId)) {
      return Optional.of(containerId);
    }
    Optional<String> leaseImage = image.ensure();
    if (leaseImage.isEmpty()) {
      return Optional.empty();
    }
    letGo();
    String name = name(settings.platform(), workerId);
    try {
      control.removeContainerCmd(name).withForce(true).exec();
    } catch (NotFoundException none) {
      // no earlier lease
    }
    String id =
        control
            .createContainerCmd(leaseImage.get())
            .withName(name)
            .withCmd("--hold")
            .withLabels(
                Map.of(
                    ContainerSpec.PLATFORM_LABEL, settings.platform(),
                    ContainerSpec.WORKER_LABEL, workerId,
                    EngineProbe.ROLE_LABEL, ROLE))
            .withStdinOpen(true)
            .withStdInOnce(true)
            .withAttachStdin(true)
            .withNetworkDisabled(true)
            .withHostConfig(
                HostConfig.newHostConfig()
                    .withNetworkMode("none")
                    .withMemory(8L * 1024 * 1024)
                    .withPidsLimit(2L)
                    .withReadonlyRootfs(true))
            .exec()
            .getId();
    StdinCallback stdin = new StdinCallback();
    streams.attachContainerCmd(id).withStdIn(stdin.input()).withFollowStream(true).exec(stdin);
    try {
      stdin.started().get(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
      control.startContainerCmd(id).exec();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stdin.close();
      throw EngineErrors.of("attach to the lease " + name, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      stdin.close();
      throw EngineErrors.of("start the lease " + name, e);
    }
    containerId = id;
    held = stdin;
    return Optional.of(id);
  }

  /** Lets go of the lease: its container ends by itself. */
  private void letGo() {
    if (held != null) {
      held.close();
      held = null;
    }
    containerId = null;
  }

  /**
   * Ends the lease and removes its container: a worker stopping on purpose leaves nothing of
   * itself (its containers are gone by then). Should the removal fail, the ended lease tells the
   * next worker on the engine that whatever carries this worker's label is nobody's.
   */
  @Override
  public synchronized void close() {
    String id = containerId;
    letGo();
    if (id != null) {
      try {
        control.removeContainerCmd(id).withForce(true).exec();
      } catch (RuntimeException e) {
        // gone already, or the engine is away: the lease has ended all the same
      }
    }
  }

  private boolean running(String id) {
    try {
      InspectContainerResponse.ContainerState state =
          control.inspectContainerCmd(id).exec().getState();
      return Boolean.TRUE.equals(state.getRunning());
    } catch (NotFoundException gone) {
      return false;
    }
  }
}
