package dev.faas.actors.worker;

import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.worker.ActivationRecords.Verdict;

/**
 * How an activation ended, from what its runner saw: the one place that says which status and
 * failure a record gets. Pure, so every combination is tested without an actor.
 */
final class Verdicts {
  private Verdicts() {}

  /**
   * No container came: the function's fault when its image is missing, otherwise the platform's.
   *
   * @param cause why (unwrapped); null when the acquire's deadline passed first
   */
  static Verdict noContainer(Throwable cause) {
    return cause instanceof ContainerFailure.ImageNotFound
        ? Verdict.failed(FailureKind.IMAGE_NOT_FOUND, null)
        : Verdict.failed(FailureKind.PLATFORM_ERROR, null);
  }

  /** The worker stopped it before it ended by itself. */
  static Verdict stopped() {
    return Verdict.failed(FailureKind.WORKER_STOPPED, null);
  }

  /**
   * A run that started. A kill the runner sent decides the verdict whatever the exit says (a
   * killed process exits 137, which is not the function's own failure): past its deadline first,
   * then stdout past its cap. Without such a kill the exit decides, and no exit seen (the engine
   * went away, or output could not be read) is the platform's failure.
   *
   * @param deadlineHit the function's timeout passed and the container was killed for it
   * @param overflow stdout went past its cap and the container was killed for it
   * @param exit the container's exit, null when it was not seen (or not waited for)
   */
  static Verdict afterRun(boolean deadlineHit, boolean overflow, ContainerExit exit) {
    if (deadlineHit) {
      return Verdict.timeout();
    }
    if (overflow) {
      return Verdict.failed(FailureKind.OUTPUT_TOO_LARGE, null);
    }
    if (exit == null) {
      return Verdict.failed(FailureKind.PLATFORM_ERROR, null);
    }
    if (exit.exitCode() == 0) {
      return Verdict.success();
    }
    if (exit.oomKilled()) {
      return Verdict.failed(FailureKind.OUT_OF_MEMORY, exit.exitCode());
    }
    return Verdict.failed(FailureKind.NON_ZERO_EXIT, exit.exitCode());
  }
}
