package dev.faas.actors.activation;

/** A submit the queue did not take. Nothing was queued or run. */
public abstract class AdmissionRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected AdmissionRefused(String message, Throwable cause) {
    super(message, cause);
  }

  /** The cluster-wide maximum of concurrent activations is reached: 429. */
  public static final class Full extends AdmissionRefused {
    private static final long serialVersionUID = 1L;

    public Full() {
      super("the maximum of concurrent activations is reached", null);
    }
  }

  /** No worker is running, or the queue cannot be reached: 503. */
  public static final class Unavailable extends AdmissionRefused {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
