package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.image.LocalImages;
import dev.faas.actors.model.Names;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * What images the engine has, for the local-first policy: one inspect per question, with the
 * engine-call deadline of its client, on the given executor. An image id or id prefix is never
 * looked up (the engine would answer for whatever image has that id).
 */
public final class EngineImages implements LocalImages {
  private final DockerClient docker;
  private final Executor executor;

  EngineImages(DockerClient docker, Executor executor) {
    this.docker = docker;
    this.executor = executor;
  }

  /**
   * The images of the engine of {@code settings}, for a node that runs no containers (an API
   * node under local-first): one control client, calls with its deadline on {@code executor}.
   */
  public static EngineImages connect(DockerSettings settings, Executor executor) {
    return new EngineImages(DockerClients.control(settings, new Deadlines()), executor);
  }

  @Override
  public CompletionStage<Optional<List<String>>> repoDigests(String reference) {
    if (Names.isImageId(reference)) {
      return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
    }
    return Async.supply(
        executor,
        () -> {
          try {
            InspectImageResponse image = docker.inspectImageCmd(reference).exec();
            List<String> digests = image.getRepoDigests();
            return Optional.of(digests == null ? List.<String>of() : List.copyOf(digests));
          } catch (NotFoundException e) {
            return Optional.<List<String>>empty();
          } catch (RuntimeException e) {
            throw EngineErrors.of("inspect image " + reference, Async.cause(e));
          }
        });
  }
}
