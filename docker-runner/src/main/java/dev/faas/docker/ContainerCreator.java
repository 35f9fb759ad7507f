package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import dev.faas.actors.runtime.ContainerSpec;

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

  /** Creates a container for {@code spec}; blocking. Returns its id. */
  String create(ContainerSpec spec) {
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
      }
      return create.exec().getId();
    } catch (RuntimeException e) {
      throw EngineErrors.ofCreate(spec.image(), e);
    }
  }
}
