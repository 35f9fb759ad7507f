package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.worker.ActivationRecords.Verdict;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerdictsTest {
  private static final Verdict SUCCESS =
      new Verdict(ActivationStatus.SUCCESS, null, 0);
  private static final Verdict TIMEOUT =
      new Verdict(ActivationStatus.TIMEOUT, FailureKind.TIMEOUT, null);

  private static Verdict failed(FailureKind kind, Integer exitCode) {
    return new Verdict(ActivationStatus.FAILED, kind, exitCode);
  }

  private static ContainerExit exit(int code, boolean oom) {
    return new ContainerExit(code, oom);
  }

  /** deadline hit, stdout over its cap, the exit seen (null: none) → the verdict. */
  static Stream<Arguments> runs() {
    return Stream.of(
        Arguments.of(false, false, exit(0, false), SUCCESS),
        Arguments.of(false, false, exit(3, false), failed(FailureKind.NON_ZERO_EXIT, 3)),
        Arguments.of(false, false, exit(137, false), failed(FailureKind.NON_ZERO_EXIT, 137)),
        Arguments.of(false, false, exit(137, true), failed(FailureKind.OUT_OF_MEMORY, 137)),
        // A process that finished cleanly is a success even if the kernel flagged an OOM kill
        // of one of its children.
        Arguments.of(false, false, exit(0, true), SUCCESS),
        // No exit seen: the engine went away, or the output could not be read.
        Arguments.of(false, false, null, failed(FailureKind.PLATFORM_ERROR, null)),
        // Killed at its deadline: a timeout, whatever the kill's exit says.
        Arguments.of(true, false, null, TIMEOUT),
        Arguments.of(true, false, exit(137, false), TIMEOUT),
        Arguments.of(true, false, exit(0, false), TIMEOUT),
        Arguments.of(true, false, exit(137, true), TIMEOUT),
        // Killed for its stdout: too large, with no exit code of its own.
        Arguments.of(false, true, null, failed(FailureKind.OUTPUT_TOO_LARGE, null)),
        Arguments.of(false, true, exit(137, false), failed(FailureKind.OUTPUT_TOO_LARGE, null)),
        // Both: the deadline came first in what the caller asked for.
        Arguments.of(true, true, null, TIMEOUT),
        Arguments.of(true, true, exit(0, false), TIMEOUT));
  }

  @ParameterizedTest(name = "deadline {0}, overflow {1}, exit {2} -> {3}")
  @MethodSource("runs")
  void aRunsVerdict(boolean deadlineHit, boolean overflow, ContainerExit exit, Verdict expected) {
    assertEquals(expected, Verdicts.afterRun(deadlineHit, overflow, exit));
  }

  static Stream<Arguments> acquires() {
    return Stream.of(
        Arguments.of(new ContainerFailure.ImageNotFound("img", null),
            failed(FailureKind.IMAGE_NOT_FOUND, null)),
        Arguments.of(new ContainerFailure.EngineUnavailable("down", null),
            failed(FailureKind.PLATFORM_ERROR, null)),
        Arguments.of(new ContainerFailure("broken", null),
            failed(FailureKind.PLATFORM_ERROR, null)),
        Arguments.of(new TimeoutException(), failed(FailureKind.PLATFORM_ERROR, null)),
        Arguments.of(new NullPointerException(), failed(FailureKind.PLATFORM_ERROR, null)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("acquires")
  void noContainerIsTheFunctionsFaultOnlyWhenItsImageIsMissing(
      Throwable cause, Verdict expected) {
    assertEquals(expected, Verdicts.noContainer(cause));
  }

  @Test
  void noContainerByTheDeadlineIsAPlatformError() {
    assertEquals(failed(FailureKind.PLATFORM_ERROR, null), Verdicts.noContainer(null));
  }

  @Test
  void aStopIsTheWorkersEnd() {
    assertEquals(failed(FailureKind.WORKER_STOPPED, null), Verdicts.stopped());
  }
}
