package dev.faas.nats;

import static dev.faas.nats.Activations.at;
import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationIndexTest {

  @Test
  void aCursorComesBackAsMadeAndNothingElseIsOne() {
    for (long seq : List.of(1L, 2L, 51L, 1L << 33, Long.MAX_VALUE)) {
      String cursor = IndexCursor.encode(seq);
      assertEquals(11, cursor.length());
      assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
      assertEquals(seq, IndexCursor.decode(cursor));
    }
    for (String junk :
        List.of("", "1", "AAAAAAAAAAA", "AAAAAAAAAAAA", "AAAAAAAAAA=", "////////////", "a.b.c.d.e.f",
            "__________-", IndexCursor.encode(5) + "A")) {
      assertThrows(ActivationPage.BadCursor.class, () -> IndexCursor.decode(junk), junk);
    }
    assertThrows(ActivationPage.BadCursor.class, () -> IndexCursor.decode(null));
  }

  @Test
  void aSummaryIsTheRecordWithoutItsOutputAndIsSmallWhateverTheResult() {
    ActivationRecord r = record(Fixtures.ANN, newId(), "echo", at(3), new byte[1024 * 1024]);

    byte[] summary = RecordCodec.encodeSummary(r, 42);

    assertTrue(summary.length < 1024, summary.length + " bytes");
    RecordCodec.Summary back = RecordCodec.decodeSummary(summary);
    assertEquals(42, back.previous());
    assertEquals(Activations.withoutResultAndLogs(r), back.record());
  }

  @Test
  void subjectsAreBuiltOnlyFromValidNames() {
    assertEquals("faas.actidx." + Fixtures.ANN, ActivationIndex.ownerSubject(Fixtures.ANN));
    assertEquals(
        "faas.actidx." + Fixtures.ANN + ".fn.echo",
        ActivationIndex.functionSubject(Fixtures.ANN, "echo"));
    assertThrows(IllegalArgumentException.class, () -> ActivationIndex.ownerSubject("ann"));
    assertThrows(IllegalArgumentException.class, () -> ActivationIndex.ownerSubject("ann.>"));
    assertThrows(IllegalArgumentException.class, () -> ActivationIndex.ownerSubject("*"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ActivationIndex.functionSubject(Fixtures.ANN, "e.*"));
  }
}
