package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.AsyncIds;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.activation.CallbackStatus;
import dev.faas.actors.model.Names;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.LimitReached;
import dev.faas.actors.outcome.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AsyncStepsTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final String ID = "abcdefghijklmnopqrstuvwx";

  private static ActivationRecord queued(int platform, int function) {
    return AsyncSteps.queued(
        new AsyncRequest(ID, "u1", "echo", "in".getBytes(StandardCharsets.UTF_8), null, "r1", T0,
            null, null),
        platform, function);
  }

  private static ActivationRecord running(ActivationRecord r, Instant at) {
    int n = r.async().attempts().size() + 1;
    return AsyncSteps.running(r, n, AsyncIds.attempt(ID, n), at);
  }

  private static ActivationRecord workerRecord(ActivationStatus status, FailureKind kind) {
    return new ActivationRecord(
        AsyncIds.attempt(ID, 1), "u1", "echo", status, kind, status == ActivationStatus.SUCCESS
            ? 0 : 1, "out".getBytes(StandardCharsets.UTF_8), "log", false, T0, 40, "w1", false,
        5, 10, 20);
  }

  @Test
  void aSubmissionIsQueuedWithItsTimesAndNoAttempt() {
    ActivationRecord r = queued(3, 0);
    assertEquals(ActivationStatus.QUEUED, r.status());
    assertEquals(T0, r.async().queuedAt());
    assertTrue(r.async().attempts().isEmpty());
    assertTrue(!r.status().isFinal());
  }

  @Test
  void aSuccessIsFinalWithTheWorkersResultAndOneAttempt() {
    ActivationRecord run = running(queued(3, 0), T0.plusSeconds(1));
    AsyncSteps.Step step =
        AsyncSteps.after(run, new Outcome.Succeeded(workerRecord(ActivationStatus.SUCCESS, null)),
            T0.plusSeconds(2));
    ActivationRecord done = assertInstanceOf(AsyncSteps.Done.class, step).record();
    assertEquals(ID, done.activationId());
    assertEquals(ActivationStatus.SUCCESS, done.status());
    assertEquals("out", new String(done.result(), StandardCharsets.UTF_8));
    assertEquals(1, done.async().attempts().size());
    assertEquals("success", done.async().attempts().get(0).status());
    assertEquals(T0.plusSeconds(2), done.async().finishedAt());
  }

  @Test
  void aPlatformFaultIsRetriedWithBackoffUntilTheRetriesAreSpent() {
    ActivationRecord r = queued(1, 0);
    ActivationRecord run = running(r, T0);
    AsyncSteps.Step first =
        AsyncSteps.after(run, new Outcome.Unavailable("x", "no worker is running"), T0);
    AsyncSteps.Retry retry = assertInstanceOf(AsyncSteps.Retry.class, first);
    assertTrue(retry.platform());
    assertEquals(ActivationStatus.QUEUED, retry.record().status());
    assertEquals(T0.plus(Duration.ofMillis(500)), retry.record().async().notBefore());
    assertEquals(0, retry.record().async().retriesLeftPlatform());
    ActivationRecord second = running(retry.record(), T0.plusSeconds(1));
    AsyncSteps.Step last =
        AsyncSteps.after(second,
            new Outcome.Failed("y", FailureKind.WORKER_LOST, null, null), T0.plusSeconds(2));
    ActivationRecord done = assertInstanceOf(AsyncSteps.Done.class, last).record();
    assertEquals(ActivationStatus.FAILED, done.status());
    assertEquals(FailureKind.WORKER_LOST, done.failure());
    assertEquals(2, done.async().attempts().size());
    assertEquals("unavailable", done.async().attempts().get(0).status());
    assertEquals("lost", done.async().attempts().get(1).status());
  }

  @Test
  void theFunctionsOwnFailureIsRetriedOnlyWhenItOptsIn() {
    Outcome failed = new Outcome.Failed(workerRecord(ActivationStatus.FAILED,
        FailureKind.NON_ZERO_EXIT));
    AsyncSteps.Step none = AsyncSteps.after(running(queued(3, 0), T0), failed, T0);
    ActivationRecord done = assertInstanceOf(AsyncSteps.Done.class, none).record();
    assertEquals(ActivationStatus.FAILED, done.status());
    assertEquals(1, done.exitCode());
    AsyncSteps.Step once = AsyncSteps.after(running(queued(3, 1), T0), failed, T0);
    assertInstanceOf(AsyncSteps.Retry.class, once);
  }

  @Test
  void aLimitsRefusalIsNoAttempt() {
    ActivationRecord r = queued(3, 0);
    AsyncSteps.Step step =
        AsyncSteps.after(running(r, T0), new Outcome.Rejected("x", LimitReached.USER), T0);
    AsyncSteps.Refused refused = assertInstanceOf(AsyncSteps.Refused.class, step);
    assertEquals(LimitReached.USER, refused.limit());
    assertEquals(ActivationStatus.QUEUED, refused.record().status());
    assertTrue(refused.record().async().attempts().isEmpty());
    assertNull(refused.record().async().notBefore());
  }

  @Test
  void backoffDoublesUpToItsCap() {
    assertEquals(Duration.ofMillis(500), AsyncSteps.backoff(1));
    assertEquals(Duration.ofSeconds(1), AsyncSteps.backoff(2));
    assertEquals(Duration.ofSeconds(30), AsyncSteps.backoff(40));
  }

  @Test
  void attemptIdsAreActivationIdsAndDifferPerAttempt() {
    String one = AsyncIds.attempt(ID, 1);
    assertTrue(Names.isActivationId(one), one);
    assertEquals(one, AsyncIds.attempt(ID, 1));
    assertTrue(!one.equals(AsyncIds.attempt(ID, 2)));
  }

  @Test
  void aCallbackAskedForIsPendingFromTheFirstRecordToTheFinalOne() {
    ActivationRecord q =
        AsyncSteps.queued(
            new AsyncRequest(ID, "u1", "echo", new byte[0], null, null, T0,
                "https://hooks.example.com/x", null),
            0, 0);
    assertEquals(CallbackStatus.pending("https://hooks.example.com/x"), q.async().callback());
    AsyncSteps.Step done =
        AsyncSteps.after(
            running(q, T0.plusSeconds(1)),
            new Outcome.Succeeded(workerRecord(ActivationStatus.SUCCESS, null)),
            T0.plusSeconds(2));
    assertTrue(done instanceof AsyncSteps.Done);
    assertEquals(CallbackStatus.PENDING, done.record().async().callback().state());
    assertNull(queued(0, 0).async().callback(), "no callback asked for, none recorded");
  }
}
