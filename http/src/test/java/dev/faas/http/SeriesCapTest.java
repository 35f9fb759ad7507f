package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesCapTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final Duration IDLE = Duration.ofHours(1);

  @Test
  void aFunctionWithSeriesKeepsThemEvenWhenFull() {
    Map<String, Instant> seen = Map.of("u1.a", NOW.minus(Duration.ofDays(1)), "u1.b", NOW);
    assertEquals(new SeriesCap.Own(), SeriesCap.choose(seen, 2, IDLE, "u1.a", NOW));
  }

  @Test
  void aNewcomerGetsAFreePlace() {
    assertEquals(
        new SeriesCap.Admit(), SeriesCap.choose(Map.of("u1.a", NOW), 2, IDLE, "u1.b", NOW));
  }

  @Test
  void pastTheCapWithEveryoneActiveANewcomerIsOther() {
    Map<String, Instant> seen =
        Map.of("u1.a", NOW.minus(Duration.ofMinutes(59)), "u1.b", NOW.minusSeconds(1));
    assertEquals(new SeriesCap.Other(), SeriesCap.choose(seen, 2, IDLE, "u1.c", NOW));
  }

  @Test
  void pastTheCapTheLongestIdleGivesItsPlaceUp() {
    Map<String, Instant> seen =
        Map.of(
            "u1.a", NOW.minus(Duration.ofHours(2)),
            "u1.b", NOW.minus(Duration.ofHours(5)),
            "u1.c", NOW);
    assertEquals(new SeriesCap.Replace("u1.b"), SeriesCap.choose(seen, 3, IDLE, "u1.d", NOW));
  }

  @Test
  void withoutAnIdleTimeNobodyIsReplaced() {
    Map<String, Instant> seen = Map.of("u1.a", NOW.minus(Duration.ofDays(30)));
    assertEquals(new SeriesCap.Other(), SeriesCap.choose(seen, 1, Duration.ZERO, "u1.b", NOW));
    assertEquals(new SeriesCap.Other(), SeriesCap.choose(seen, 1, null, "u1.b", NOW));
  }

  @Test
  void aCapOfZeroCountsEveryFunctionAsOther() {
    assertEquals(new SeriesCap.Other(), SeriesCap.choose(Map.of(), 0, IDLE, "u1.a", NOW));
  }
}
