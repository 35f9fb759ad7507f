package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.fakes.Records;
import dev.faas.actors.worker.RunnerState.Finishing;
import dev.faas.actors.worker.RunnerState.Removal;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The finishing state's bookkeeping: settling progress, removal progress, when it is over. */
class SettlingTest {

  /** steps from the first attempts → complete, retried, record attempts, ack attempts. */
  static Stream<Arguments> settlings() {
    return Stream.of(
        Arguments.of("nothing back yet", steps(), false, false, 1, 1),
        Arguments.of("written only", steps(Settling::written), false, false, 1, 1),
        Arguments.of("acked only", steps(Settling::ackConfirmed), false, false, 1, 1),
        Arguments.of("both at once", steps(Settling::written, Settling::ackConfirmed),
            true, false, 1, 1),
        Arguments.of("acked, then written", steps(Settling::ackConfirmed, Settling::written),
            true, false, 1, 1),
        Arguments.of("write retried twice",
            steps(Settling::writeRetried, Settling::writeRetried, Settling::written,
                Settling::ackConfirmed), true, true, 3, 1),
        Arguments.of("ack retried", steps(Settling::written, Settling::ackRetried),
            false, true, 1, 2),
        Arguments.of("given up on", steps(Settling::writeRetried, Settling::end),
            false, true, 2, 1));
  }

  @SafeVarargs
  private static UnaryOperator<Settling> steps(UnaryOperator<Settling>... steps) {
    return s -> {
      for (UnaryOperator<Settling> step : steps) {
        s = step.apply(s);
      }
      return s;
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settlings")
  void progress(String name, UnaryOperator<Settling> steps, boolean complete, boolean retried,
      int recordAttempts, int ackAttempts) {
    Settling s = steps.apply(Settling.firstAttempts());
    assertEquals(complete, s.complete(), "complete");
    assertEquals(retried, s.retried(), "retried");
    assertEquals(recordAttempts, s.recordAttempts());
    assertEquals(ackAttempts, s.ackAttempts());
  }

  @Test
  void endingKeepsWhatWasDoneAndOnlyEnds() {
    Settling s = Settling.firstAttempts().written();
    assertFalse(s.ended());
    Settling ended = s.end();
    assertTrue(ended.ended());
    assertTrue(ended.recordWritten());
    assertFalse(ended.acked());
  }

  static Stream<Arguments> backoffs() {
    return Stream.of(
        Arguments.of(0, 250), Arguments.of(1, 250), Arguments.of(2, 500), Arguments.of(3, 1000),
        Arguments.of(4, 2000), Arguments.of(5, 2000), Arguments.of(40, 2000),
        Arguments.of(Integer.MAX_VALUE, 2000));
  }

  @ParameterizedTest(name = "after {0} attempts: {1} ms")
  @MethodSource("backoffs")
  void backoffDoublesFrom250MsUpTo2s(int attempts, long millis) {
    assertEquals(Duration.ofMillis(millis), Settling.backoff(attempts));
  }

  /** removal → started, over (nothing left to wait for). */
  static Stream<Arguments> removals() {
    return Stream.of(
        Arguments.of(Removal.NOT_STARTED, false, false),
        Arguments.of(Removal.NOTHING_TO_REMOVE, false, true),
        Arguments.of(Removal.STARTED, true, false),
        Arguments.of(Removal.DONE, true, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("removals")
  void removalProgress(Removal removal, boolean started, boolean over) {
    assertEquals(started, removal.started(), "started");
    assertEquals(over, removal.over(), "over");
  }

  /** answered, removal → the runner may stop. */
  static Stream<Arguments> ends() {
    return Stream.of(
        Arguments.of(false, Removal.DONE, false),
        Arguments.of(false, Removal.NOTHING_TO_REMOVE, false),
        Arguments.of(true, Removal.NOT_STARTED, false),
        Arguments.of(true, Removal.STARTED, false),
        Arguments.of(true, Removal.NOTHING_TO_REMOVE, true),
        Arguments.of(true, Removal.DONE, true));
  }

  @ParameterizedTest(name = "answered {0}, removal {1} -> over {2}")
  @MethodSource("ends")
  void aRunnerIsOverOnceAnsweredWithItsContainerGone(
      boolean answered, Removal removal, boolean over) {
    Finishing f = Finishing.started(Records.success("act0000001", new byte[0]), null)
        .with(removal);
    if (answered) {
      f = f.answeredNow();
    }
    assertEquals(over, f.over());
  }

  @Test
  void finishingStartsWithTheFirstAttemptsOnTheirWayAndNothingRemoved() {
    Finishing f = Finishing.started(Records.success("act0000001", new byte[0]), null);
    assertEquals(Settling.firstAttempts(), f.settling());
    assertEquals(Removal.NOT_STARTED, f.removal());
    assertFalse(f.answered());
    assertEquals(ActivationStatus.SUCCESS, f.record().status());
  }
}
