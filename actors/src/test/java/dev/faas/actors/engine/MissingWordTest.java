package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.engine.MissingWord.Why;
import dev.faas.actors.fakes.Records;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MissingWordTest {
  private static final String ID = "act0000001";

  @ParameterizedTest(name = "{0}/{1} then {2}/{3}: evidence {4}")
  @CsvSource({
    "true,  5, true,  5, true",
    "true,  5, false, 6, false",
    "true,  5, true,  7, false",
    "false, 6, false, 6, false",
    "false, 6, true,  7, false",
  })
  void silenceIsEvidenceOnlyOverALinkThatStayedUp(
      boolean upBefore, long changesBefore, boolean upNow, long changesNow, boolean evidence) {
    assertEquals(
        evidence,
        MissingWord.silenceIsEvidence(
            new Link(upBefore, changesBefore), new Link(upNow, changesNow)));
  }

  @ParameterizedTest(name = "{0} with {1} record: {2}")
  @CsvSource({
    "SILENT,   none,    WORKER_LOST",
    "DEADLINE, none,    UNKNOWN",
    "SILENT,   success, SUCCEEDED",
    "DEADLINE, success, SUCCEEDED",
    "SILENT,   failed,  NON_ZERO_EXIT",
    "DEADLINE, timeout, TIMED_OUT",
  })
  void theAnswerComesFromTheRecordWhenThereIsOne(Why why, String record, String expected) {
    Optional<ActivationRecord> found =
        switch (record) {
          case "success" -> Optional.of(Records.success(ID, new byte[] {1}));
          case "failed" -> Optional.of(Records.failed(ID, FailureKind.NON_ZERO_EXIT, 2));
          case "timeout" -> Optional.of(Records.timeout(ID));
          default -> Optional.empty();
        };
    Outcome outcome = MissingWord.answer(ID, why, found);
    assertEquals(ID, outcome.activationId());
    switch (expected) {
      case "WORKER_LOST" -> {
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertEquals(FailureKind.WORKER_LOST, failed.failure());
        assertNull(failed.record());
      }
      case "UNKNOWN" -> assertNull(assertInstanceOf(Outcome.TimedOut.class, outcome).record());
      case "SUCCEEDED" ->
          assertSame(found.get(), assertInstanceOf(Outcome.Succeeded.class, outcome).record());
      case "NON_ZERO_EXIT" ->
          assertEquals(
              FailureKind.NON_ZERO_EXIT,
              assertInstanceOf(Outcome.Failed.class, outcome).failure());
      case "TIMED_OUT" ->
          assertSame(found.get(), assertInstanceOf(Outcome.TimedOut.class, outcome).record());
      default -> throw new IllegalArgumentException(expected);
    }
  }
}
