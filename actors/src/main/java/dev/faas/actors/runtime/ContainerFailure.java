package dev.faas.actors.runtime;

/** A container that could not be started or driven. */
public class ContainerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ContainerFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** The image is not present on the engine and cannot be pulled: the function's fault. */
  public static final class ImageNotFound extends ContainerFailure {
    private static final long serialVersionUID = 1L;

    public ImageNotFound(String image, Throwable cause) {
      super("image not found: " + image, cause);
    }
  }

  /** The engine is unreachable or failed: the platform's fault. */
  public static final class EngineUnavailable extends ContainerFailure {
    private static final long serialVersionUID = 1L;

    public EngineUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
