package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.List;

/**
 * Creates (but does not start) sandboxed containers. Never pulls: an image that is not on the
 * engine fails the create with {@code ImageNotFound}, and the runtime decides whether to pull it
 * ({@link ImagePuller}) and create again.
 */
final class ContainerCreator {
  private final DockerClient docker;
  private final DockerSettings settings;

  ContainerCreator(DockerClient docker, DockerSettings settings) {
    this.docker = docker;
    this.settings = settings;
  }

  /** A created container, and whether its PID 1 is faas-init. */
  record Created(String id, boolean underFaasInit) {}

  /**
   * Creates a container for {@code spec}; blocking.
   *
   * @param init for a stdin-mode spec, the faas-init to run the image's command under (its volume
   *     installed on the engine); null for docker-init
   */
  Created create(ContainerSpec spec, FaasInit init) {
    try {
      CreateContainerCmd create =
          docker
              .createContainerCmd(spec.image())
              .withHostConfig(Sandbox.hostConfig(spec, settings))
              .withLabels(Sandbox.labels(spec, settings))
              .withEnv(Sandbox.env(spec))
              // Stdin stays open until the one stdin attach ends, then the engine closes it:
              // that is how the process sees end of input (ENVIRONMENT.md, gotcha 2).
              .withStdinOpen(true)
              .withStdInOnce(true)
              .withAttachStdin(true)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .withTty(false);
      if (!Sandbox.user(settings).isEmpty()) {
        create.withUser(Sandbox.user(settings));
      }
      boolean underFaasInit = false;
      if (!spec.args().isEmpty() || init != null) {
        // Setting Cmd or Entrypoint replaces the image's, so read them first; create from the id
        // just inspected so that the command and the image cannot disagree if the tag moves in
        // between. Inspecting costs about a millisecond, on a cold path or a pre-start off the
        // activation's way, so it is not cached.
        InspectImageResponse image = docker.inspectImageCmd(spec.image()).exec();
        ContainerConfig config = image.getConfig();
        String[] imageEntrypoint = config == null ? null : config.getEntrypoint();
        String[] imageCmd = config == null ? null : config.getCmd();
        create.withImage(image.getId());
        if (!spec.args().isEmpty()) {
          create.withCmd(Sandbox.command(imageCmd, spec.args()));
        } else {
          // The image's command becomes faas-init's arguments.
          List<String> command =
              Sandbox.underFaasInit(imageEntrypoint, imageCmd, settings.precallCpu());
          if (!command.isEmpty()) {
            create
                .withEntrypoint(command)
                .withHostConfig(Sandbox.underFaasInit(create.getHostConfig(), init.volume()));
            underFaasInit = true;
          }
        }
      }
      return new Created(create.exec().getId(), underFaasInit);
    } catch (RuntimeException e) {
      throw EngineErrors.ofCreate(spec.image(), e);
    }
  }
}
