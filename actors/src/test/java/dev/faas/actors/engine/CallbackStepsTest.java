package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.faas.actors.activation.CallbackStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallbackStepsTest {
  private static final Instant T = Instant.parse("2026-12-04T10:00:00Z");
  private static final Duration FIRST = Duration.ofSeconds(5);
  private static final CallbackStatus PENDING = CallbackStatus.pending("https://h.example/x");

  @Test
  void a2xxIsDeliveredAndNothingMoreIsAttempted() {
    CallbackSteps.Step s =
        CallbackSteps.after(PENDING, new CallbackSteps.Delivered(204), 1, 8, FIRST, T);
    assertEquals(new CallbackStatus("https://h.example/x", "delivered", 1, 204, null, T),
        s.status());
    assertNull(s.retryAfter());
  }

  @Test
  void aFailureIsRetriedWithABackoffFourTimesLongerEachTimeUpToAnHour() {
    CallbackStatus status = PENDING;
    Duration[] expected = {
      Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(80),
      Duration.ofSeconds(320), Duration.ofSeconds(1280), Duration.ofHours(1), Duration.ofHours(1)
    };
    for (int attempt = 1; attempt <= expected.length; attempt++) {
      CallbackSteps.Step s =
          CallbackSteps.after(status, new CallbackSteps.Failed("HTTP 500", 500), attempt, 8,
              FIRST, T);
      assertEquals(expected[attempt - 1], s.retryAfter(), "after attempt " + attempt);
      assertEquals("pending", s.status().state());
      assertEquals(attempt, s.status().attempts());
      assertEquals(500, s.status().lastStatus());
      status = s.status();
    }
  }

  @Test
  void theLastFailedAttemptGivesUp() {
    CallbackSteps.Step s =
        CallbackSteps.after(PENDING, new CallbackSteps.Failed("connection refused", 0), 8, 8,
            FIRST, T);
    assertEquals("failed", s.status().state());
    assertNull(s.status().lastStatus(), "no answer, no status");
    assertEquals("connection refused", s.status().lastError());
    assertNull(s.retryAfter());
  }

  @Test
  void aRefusedAddressIsNeverRetried() {
    CallbackSteps.Step s =
        CallbackSteps.after(PENDING, new CallbackSteps.Refused("10.0.0.1 is private"), 1, 8,
            FIRST, T);
    assertEquals("refused", s.status().state());
    assertNull(s.retryAfter());
  }
}
