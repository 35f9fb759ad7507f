package dev.faas.docker;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumeOptions;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sandbox every function container gets (DESIGN.md, "The container contract"), as pure
 * functions of the spec so that it can be checked without an engine.
 */
final class Sandbox {
  private Sandbox() {}

  /** The size of the container's own {@code /dev}: device nodes only, nothing to store. */
  static final String DEV_OPTIONS = "rw,dev,noexec,nosuid,mode=755,size=65536";
  /** {@code /dev/shm}, as the engine's default (64 MiB, counted in the memory limit). */
  static final String SHM_OPTIONS = "rw,nodev,noexec,nosuid,size=67108864";

  /** Engine-side limits and isolation for a container of {@code spec}. */
  static HostConfig hostConfig(ContainerSpec spec, DockerSettings settings) {
    return HostConfig.newHostConfig()
        // Egress has a network of its own, not the default bridge (docs/decisions/0017).
        .withNetworkMode(spec.network() ? settings.sandbox().egressNetwork() : "none")
        .withReadonlyRootfs(true)
        // noexec: a function cannot drop a binary in a writable place and run it. The engine's
        // own /dev is writable and executable, so the container gets one of its own (the runtime
        // creates the device nodes in it; "dev" lets them open), and /dev/shm with it.
        .withTmpFs(
            Map.of(
                "/tmp", "rw,noexec,nosuid,size=" + spec.tmpfsBytes(),
                "/dev", DEV_OPTIONS,
                "/dev/shm", SHM_OPTIONS))
        .withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of("no-new-privileges"))
        // docker-init as PID 1 reaps the zombies a function's children leave behind.
        .withInit(true)
        .withPidsLimit(spec.pidsLimit())
        // Swap equal to memory means no swap at all: the limit is the limit.
        .withMemory(spec.memoryBytes())
        .withMemorySwap(spec.memoryBytes())
        .withNanoCPUs(spec.nanoCpus())
        // The runs read the process's pipes through their attaches; a log copy in the engine would
        // only serve `docker logs`, and costs dockerd most of a core under an output flood
        // (docs/decisions/0017).
        .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
  }

  /**
   * {@code sandbox} for a container whose PID 1 is faas-init instead of docker-init: its volume
   * mounted read-only (a function writes nothing it could run, as with /tmp's noexec), and no
   * docker-init, whose work of reaping orphans faas-init does. It counts against the pids limit as
   * docker-init did.
   */
  static HostConfig underFaasInit(HostConfig sandbox, String volume) {
    return sandbox
        .withInit(false)
        .withMounts(
            List.of(
                new Mount()
                    .withType(MountType.VOLUME)
                    .withSource(volume)
                    .withTarget(FaasInit.MOUNT)
                    .withReadOnly(true)
                    .withVolumeOptions(new VolumeOptions().withNoCopy(true))));
  }

  /**
   * The entrypoint that runs the image's own command (its entrypoint, then its command) under
   * faas-init, which bounds the CPU it spends before its call to {@code precallCpu}
   * (docs/decisions/0008); empty when the image names no command, which the engine refuses on its
   * own terms.
   */
  static List<String> underFaasInit(
      String[] imageEntrypoint, String[] imageCmd, Duration precallCpu) {
    List<String> command = new ArrayList<>();
    if (imageEntrypoint != null) {
      command.addAll(List.of(imageEntrypoint));
    }
    if (imageCmd != null) {
      command.addAll(List.of(imageCmd));
    }
    if (command.isEmpty()) {
      return List.of();
    }
    command.addAll(0, List.of(FaasInit.PATH, FaasInit.precallOption(precallCpu), "--"));
    return command;
  }

  /** The user a function's processes run as; empty: the image's own (docs/decisions/0017). */
  static String user(DockerSettings settings) {
    return settings.sandbox().functionUser();
  }

  /** The spec's labels with the platform label set to this platform's name. */
  static Map<String, String> labels(ContainerSpec spec, DockerSettings settings) {
    Map<String, String> labels = new HashMap<>(spec.labels());
    labels.put(ContainerSpec.PLATFORM_LABEL, settings.platform());
    return labels;
  }

  /** The spec's environment as {@code NAME=value} entries, in a stable order. */
  static List<String> env(ContainerSpec spec) {
    List<String> env = new ArrayList<>();
    new TreeMap<>(spec.env()).forEach((name, value) -> env.add(name + "=" + value));
    return env;
  }

  /**
   * The command of an args-mode container: the image's own command with the arguments appended.
   * The entrypoint is left as the image has it, so the engine runs entrypoint + this.
   */
  static List<String> command(String[] imageCmd, List<String> args) {
    List<String> command = new ArrayList<>();
    if (imageCmd != null) {
      command.addAll(List.of(imageCmd));
    }
    command.addAll(args);
    return command;
  }
}
