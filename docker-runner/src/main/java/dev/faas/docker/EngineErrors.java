package dev.faas.docker;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.runtime.ContainerFailure;

/**
 * Classifies what docker-java throws by who is at fault, in one place: a missing image is the
 * function's, a command the engine refuses to run is the function's, anything else the platform's.
 */
final class EngineErrors {
  private EngineErrors() {}

  /** A failure of creating a container from {@code image}. */
  static ContainerFailure ofCreate(String image, Throwable failure) {
    Throwable t = Async.cause(failure);
    if (t instanceof ContainerFailure f) {
      return f;
    }
    if (t instanceof NotFoundException) {
      return new ContainerFailure.ImageNotFound(image, t);
    }
    return of("create a container from " + image, t);
  }

  /**
   * A failure of starting a container. The engine answers 400 when the image's command cannot be
   * executed (no such file, not executable): the function's fault, reported as a plain {@link
   * ContainerFailure} since the port has no subclass for it.
   */
  static ContainerFailure ofStart(String image, Throwable failure) {
    Throwable t = Async.cause(failure);
    if (t instanceof ContainerFailure f) {
      return f;
    }
    if (t instanceof BadRequestException) {
      return new ContainerFailure(
          "container from " + image + " could not start: " + message(t), t);
    }
    return of("start a container from " + image, t);
  }

  /** A failure of any other call, described by what the runtime was doing. */
  static ContainerFailure of(String doing, Throwable failure) {
    Throwable t = Async.cause(failure);
    if (t instanceof ContainerFailure f) {
      return f;
    }
    if (t instanceof NotFoundException) {
      // Removed under the call, by this runtime or an operator: not an engine failure.
      return new ContainerFailure("failed to " + doing + ": the container no longer exists", t);
    }
    return new ContainerFailure.EngineUnavailable(
        "Docker engine failed to " + doing + ": " + message(t), t);
  }

  /** True when the engine says the container does not exist. */
  static boolean isNotFound(Throwable failure) {
    return Async.cause(failure) instanceof NotFoundException;
  }

  /** True when the engine refuses because of the container's state (not running, being removed). */
  static boolean isConflict(Throwable failure) {
    return Async.cause(failure) instanceof ConflictException;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    if (t instanceof DockerException && m != null) {
      // docker-java puts the engine's JSON body in the message; keep it on one line for logs.
      return m.strip().replace('\n', ' ');
    }
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
