package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.List;

/**
 * Creates (but does not start) sandboxed containers. Never pulls: an image that is not on the
 * engine is the function's fault ({@code ImageNotFound}), and nodes may not reach a registry.
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
      if (!spec.args().isEmpty()) {
        // Setting Cmd replaces the image's, so read it first; create from the id just inspected so
        // that the command and the image cannot disagree if the tag moves in between. Inspecting
        // costs about a millisecond on a path that is cold anyway, so it is not cached.
        InspectImageResponse image = docker.inspectImageCmd(spec.image()).exec();
        String[] imageCmd = image.getConfig() == null ? null : image.getConfig().getCmd();
        create.withImage(image.getId()).withCmd(Sandbox.command(imageCmd, spec.args()));
      } else if (init != null) {
        // The image's command becomes faas-init's arguments; inspected each time for the same
        // reason as above (a container of the warm pool is created off the activation's way).
        InspectImageResponse image = docker.inspectImageCmd(spec.image()).exec();
        List<String> command =
            image.getConfig() == null
                ? List.of()
                : Sandbox.underFaasInit(
                    image.getConfig().getEntrypoint(), image.getConfig().getCmd());
        if (!command.isEmpty()) {
          String id =
              create
                  .withImage(image.getId())
                  .withEntrypoint(command)
                  .withHostConfig(
                      Sandbox.underFaasInit(Sandbox.hostConfig(spec, settings), init.volume()))
                  .exec()
                  .getId();
          return new Created(id, true);
        }
      }
      return new Created(create.exec().getId(), false);
    } catch (RuntimeException e) {
      throw EngineErrors.ofCreate(spec.image(), e);
    }
  }
}
