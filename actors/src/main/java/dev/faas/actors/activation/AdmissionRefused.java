package dev.faas.actors.activation;

import dev.faas.actors.outcome.LimitReached;

/** A submit the queue did not take. Nothing was queued or run. */
public abstract class AdmissionRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected AdmissionRefused(String message, Throwable cause) {
    super(message, cause);
  }

  /** A maximum of concurrent activations is reached (the cluster's unless said): 429. */
  public static final class Full extends AdmissionRefused {
    private static final long serialVersionUID = 1L;
    private final LimitReached limit;

    public Full() {
      this(LimitReached.CLUSTER);
    }

    public Full(LimitReached limit) {
      super("the maximum of concurrent activations is reached (" + limit + ")", null);
      this.limit = limit;
    }

    /** Which limit. */
    public LimitReached limit() {
      return limit;
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
