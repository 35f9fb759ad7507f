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
  WORKER_LOST("the worker running the activation stopped answering"),
  PLATFORM_ERROR("the platform could not run the activation");

  private final String detail;

  FailureKind(String detail) {
    this.detail = detail;
  }

  /** A sentence for the problem's {@code detail}. */
  public String detail() {
    return detail;
  }
}
