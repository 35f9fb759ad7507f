package dev.faas.actors.outcome;

/**
 * Why an activation did not succeed, as its record keeps it. Each kind is either the function's
 * {@link Fault fault} (502/504: retrying the same call would fail the same way) or the platform's
 * (503: worth retrying).
 */
public enum FailureKind {
  NON_ZERO_EXIT("the function exited with a non-zero code", Fault.FUNCTION),
  IMAGE_NOT_FOUND("the function's image was not found on the worker", Fault.FUNCTION),
  OUT_OF_MEMORY("the function was killed for exceeding its memory limit", Fault.FUNCTION),
  OUTPUT_TOO_LARGE("the function's output exceeded the limit", Fault.FUNCTION),
  TIMEOUT("the function ran past its timeout and was killed", Fault.FUNCTION),
  WORKER_LOST("the worker running the activation stopped answering", Fault.PLATFORM),
  WORKER_STOPPED(
      "the worker running the activation was stopped before it ended (it had until its drain"
          + " timeout to finish)",
      Fault.PLATFORM),
  PLATFORM_ERROR("the platform could not run the activation", Fault.PLATFORM);

  private final String detail;
  private final Fault fault;

  FailureKind(String detail, Fault fault) {
    this.detail = detail;
    this.fault = fault;
  }

  /** Whose failure this is. */
  public Fault fault() {
    return fault;
  }

  /** A sentence for the problem's {@code detail}. */
  public String detail() {
    return detail;
  }
}
