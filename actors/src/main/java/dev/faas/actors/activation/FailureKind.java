package dev.faas.actors.activation;

/**
 * Why an activation did not succeed. The first group is the function's fault (502/504); the
 * second is the platform's (503).
 */
public enum FailureKind {
  NON_ZERO_EXIT("the function exited with a non-zero code"),
  IMAGE_NOT_FOUND("the function's image was not found on the worker"),
  OUT_OF_MEMORY("the function was killed for exceeding its memory limit"),
  OUTPUT_TOO_LARGE("the function's output exceeded the limit"),
  TIMEOUT("the function ran past its timeout and was killed"),
  WORKER_LOST("the worker running the activation stopped answering", true),
  WORKER_STOPPED(
      "the worker running the activation was stopped before it ended (it had until its drain"
          + " timeout to finish)",
      true),
  PLATFORM_ERROR("the platform could not run the activation", true);

  private final String detail;
  private final boolean platformsFault;

  FailureKind(String detail) {
    this(detail, false);
  }

  FailureKind(String detail, boolean platformsFault) {
    this.detail = detail;
    this.platformsFault = platformsFault;
  }

  /** True for the platform's failures (503, worth retrying); false for the function's own. */
  public boolean platformsFault() {
    return platformsFault;
  }

  /** A sentence for the problem's {@code detail}. */
  public String detail() {
    return detail;
  }
}
