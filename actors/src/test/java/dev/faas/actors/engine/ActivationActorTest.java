package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.fakes.FakeCluster;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.Records;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every path of one activation, against a fake queue and the real node limiter. */
class ActivationActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final EngineSettings SETTINGS = new EngineSettings(SHORT, SHORT, SHORT, 4);
  private static final byte[] INPUT = "héllo ✓".getBytes(StandardCharsets.UTF_8);

  private FakeCluster cluster;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A real node limiter and the count of permits it last reported. */
  private record Limiter(ActorRef<NodeLimiter.Command> ref, AtomicInteger inUse) {}

  private static Limiter limiter(int max) {
    AtomicInteger inUse = new AtomicInteger();
    return new Limiter(testKit.spawn(NodeLimiter.create(max, inUse::set)), inUse);
  }

  /** One activation actor with its own limiter and caller. */
  private final class Call {
    final String id = ActivationSupervisor.newActivationId();
    final TestProbe<Outcome> caller = testKit.createTestProbe();
    final Limiter limiter;
    final ActorRef<ActivationActor.Command> actor;

    final List<NodeLimiter.Command> toLimiter = new CopyOnWriteArrayList<>();
    final FakeStore store;

    Call(FunctionSpec function, EngineSettings settings, Limiter real) {
      this(function, settings, real, new FakeStore());
    }

    Call(
        FunctionSpec function,
        EngineSettings settings,
        Limiter real,
        FakeStore store) {
      this.store = store;
      this.limiter = real;
      // Sees what the actor tells the limiter: the limiter's watch would hide a missing Release.
      ActorRef<NodeLimiter.Command> limiter =
          testKit.spawn(
              Behaviors.receiveMessage(
                  (NodeLimiter.Command m) -> {
                    toLimiter.add(m);
                    real.ref().tell(m);
                    return Behaviors.same();
                  }));
      this.actor =
          testKit.spawn(
              ActivationActor.create(
                  ActivationCall.of(id, function, 3, INPUT), new OnceReply(caller.ref()),
                  new EnginePorts(cluster, store, limiter, settings, a -> "reply." + a,
                      Clock.systemUTC())));
    }

    Call(FunctionSpec function, EngineSettings settings) {
      this(function, settings, limiter(settings.nodeMaxInFlight()));
    }

    Call() {
      this(Fns.function("echo", 10_000), SETTINGS);
    }

    /** Waits until the request is in the queue, as a worker would see it. */
    ActivationRequest submitted() {
      caller.awaitAssert(() -> {
        assertTrue(cluster.submitted().stream().anyMatch(r -> r.activationId().equals(id)));
        return null;
      });
      return cluster.submitted().stream().filter(r -> r.activationId().equals(id)).findFirst()
          .orElseThrow();
    }

    void emit(WorkerEvent event) {
      assertTrue(cluster.emit(event), "the actor should be listening");
    }

    <T extends Outcome> T expect(Class<T> type) {
      return caller.expectMessageClass(type, Duration.ofSeconds(3));
    }

    /** The actor stopped, closed its listener, released its permit and answered only once. */
    void assertCleanedUp() {
      assertCleanedUp(true);
    }

    void assertCleanedUp(boolean permitGranted) {
      caller.expectTerminated(actor, Duration.ofSeconds(3));
      assertEquals(0, cluster.openListeners());
      caller.awaitAssert(() -> {
        assertEquals(permitGranted ? 1 : 0,
            toLimiter.stream().filter(m -> m instanceof NodeLimiter.Release).count(),
            "released explicitly: " + toLimiter);
        assertEquals(0, limiter.inUse().get(), "permits still held");
        return null;
      });
      caller.expectNoMessage(Duration.ofMillis(50));
    }
  }

  @Test
  void nodePermitRefusedIs429WithoutSubmitting() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Limiter limiter = limiter(1);
    TestProbe<NodeLimiter.Reply> other = testKit.createTestProbe();
    limiter.ref().tell(new NodeLimiter.Acquire(other.ref(), other.ref()));
    other.expectMessage(NodeLimiter.Granted.INSTANCE);

    Call call = new Call(Fns.function("echo", 10_000), SETTINGS, limiter);
    assertEquals(call.id, call.expect(Outcome.Rejected.class).activationId());
    call.caller.expectTerminated(call.actor, Duration.ofSeconds(3));
    assertTrue(cluster.submitted().isEmpty());
    assertEquals(0, cluster.listens());

    limiter.ref().tell(new NodeLimiter.Release(other.ref()));
    call.assertCleanedUp(false);
  }

  @Test
  void fullQueueIs429() {
    cluster = FakeCluster.withLiveWorkers(1, 1);
    cluster.submit(Fns.request("occupying1", Fns.function("echo", 1000), new byte[0]));
    Call call = new Call();
    call.expect(Outcome.Rejected.class);
    assertEquals(1, cluster.rejectedFull());
    assertEquals(1, cluster.held());
    call.assertCleanedUp();
  }

  @Test
  void noLiveWorkerIs503WithoutSubmitting() {
    cluster = FakeCluster.withLiveWorkers(8, 0);
    Call call = new Call();
    assertEquals("no worker is running", call.expect(Outcome.Unavailable.class).reason());
    assertTrue(cluster.submitted().isEmpty());
    call.assertCleanedUp();
  }

  @Test
  void unreachableQueueIs503() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    cluster.failSubmits(new AdmissionRefused.Unavailable("no responders", null));
    Call call = new Call();
    assertEquals("no responders", call.expect(Outcome.Unavailable.class).reason());
    call.assertCleanedUp();
  }

  @Test
  void aSubmitThatNeverAnswersIs503AtTheAcceptDeadline() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    cluster.hangSubmits();
    Call call = new Call();
    call.expect(Outcome.Unavailable.class);
    call.assertCleanedUp();
  }

  @Test
  void requestCarriesTheCallAndItsDeadline() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Instant before = Instant.now();
    Call call = new Call();
    ActivationRequest request = call.submitted();
    assertArrayEquals(INPUT, request.input());
    assertEquals(3, request.functionRevision());
    assertEquals("reply." + call.id, request.replyTo());
    assertTrue(!request.acceptBy().isBefore(before.plus(SHORT)));
    assertTrue(!request.acceptBy().isAfter(Instant.now().plus(SHORT)));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, "ok".getBytes(StandardCharsets.UTF_8))));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  @Test
  void resultArrives() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call();
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.emit(new WorkerEvent.Heartbeat(call.id));
    ActivationRecord record = Records.success(call.id, INPUT);
    call.emit(new WorkerEvent.Completed(call.id, record));
    Outcome.Succeeded succeeded = call.expect(Outcome.Succeeded.class);
    assertSame(record, succeeded.record());
    assertArrayEquals(INPUT, succeeded.record().result());
    call.assertCleanedUp();
  }

  @Test
  void resultBeforeAcceptedStillAnswers() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call();
    call.submitted();
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  @Test
  void failureCarriesItsExitCode() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call();
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.emit(new WorkerEvent.Completed(call.id,
        Records.failed(call.id, FailureKind.NON_ZERO_EXIT, 3)));
    Outcome.Failed failed = call.expect(Outcome.Failed.class);
    assertEquals(FailureKind.NON_ZERO_EXIT, failed.failure());
    assertEquals(3, failed.exitCode());
    call.assertCleanedUp();
  }

  @Test
  void functionTimeoutReportedByTheWorker() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call();
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.emit(new WorkerEvent.Completed(call.id, Records.timeout(call.id)));
    Outcome.TimedOut timedOut = call.expect(Outcome.TimedOut.class);
    assertEquals(FailureKind.TIMEOUT, timedOut.record().failure());
    call.assertCleanedUp();
  }

  @Test
  void noResultByTimeoutPlusGraceIsATimeout() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    EngineSettings settings =
        new EngineSettings(SHORT, Duration.ofSeconds(30), Duration.ofMillis(200), 4);
    Call call = new Call(Fns.function("hang", 100), settings);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    assertNull(call.expect(Outcome.TimedOut.class).record());
    call.assertCleanedUp();
  }

  @Test
  void silentWorkerIsLostLongBeforeTheFunctionTimeout() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS);
    call.submitted();
    long start = System.nanoTime();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.emit(new WorkerEvent.Heartbeat(call.id));
    Outcome.Failed failed = call.expect(Outcome.Failed.class);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(FailureKind.WORKER_LOST, failed.failure());
    assertNull(failed.record());
    assertTrue(tookMs >= SHORT.toMillis() && tookMs < 3_000, "lost after " + tookMs + " ms");
    call.assertCleanedUp();
  }

  @Test
  void heartbeatsKeepTheActivationAlive() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000),
        new EngineSettings(SHORT, Duration.ofMillis(700), SHORT, 4));
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    for (int i = 0; i < 10; i++) {
      call.caller.expectNoMessage(Duration.ofMillis(100));
      call.emit(new WorkerEvent.Heartbeat(call.id));
    }
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  @Test
  void aCopyDroppedWhileItRunsIsNotEvidenceButTheWorkersSilenceIs() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.emit(new WorkerEvent.Dropped(call.id, "the worker that took it was lost"));
    assertEquals(FailureKind.WORKER_LOST, call.expect(Outcome.Failed.class).failure());
    assertEquals(1, call.store.gets(), "its record was looked for first");
    call.assertCleanedUp();
  }

  @Test
  void aCopyDroppedWhileItsWorkerKeepsAnsweringChangesNothing() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000),
        new EngineSettings(SHORT, Duration.ofMillis(700), SHORT, 4));
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    // After a NATS restart the stream may hand a copy out again while its first worker runs it.
    call.emit(new WorkerEvent.Dropped(call.id, "the worker that took it was lost", "w2"));
    for (int i = 0; i < 5; i++) {
      call.caller.expectNoMessage(Duration.ofMillis(200));
      call.emit(new WorkerEvent.Heartbeat(call.id));
    }
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  @Test
  void droppedBeforeAnyWorkerTookItIs503() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call();
    call.submitted();
    call.emit(new WorkerEvent.Dropped(call.id, "no worker took it in time"));
    call.expect(Outcome.Unavailable.class);
    call.assertCleanedUp();
  }

  @Test
  void noWorkerTakesItInTime() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call();
    call.submitted();
    assertEquals(1, cluster.held());
    Outcome.Unavailable unavailable = call.expect(Outcome.Unavailable.class);
    assertEquals("no worker took the activation in time", unavailable.reason());
    call.caller.awaitAssert(() -> {
      assertEquals(1, cluster.withdrawn().size());
      assertEquals(0, cluster.held());
      return null;
    });
    call.assertCleanedUp();
  }

  @Test
  void aRequestWaitingForAWorkerIsAnsweredAsSoonAsNoWorkerIsLeft() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("echo", 10_000),
        new EngineSettings(Duration.ofSeconds(30), SHORT, SHORT, 4));
    call.submitted();
    // The one worker stops announcing itself (stopped, or its engine cannot start containers).
    cluster.liveWorkers(0);
    // Within expect's 3 s: a check or two, not the 30 s accept timeout.
    Outcome.Unavailable outcome = call.expect(Outcome.Unavailable.class);
    assertTrue(outcome.reason().contains("no worker"), outcome.reason());
    call.assertCleanedUp();
    assertEquals(1, cluster.withdrawn().size(), "withdrawn: its place is free");
    assertEquals(0, cluster.held());
  }

  // ---------------------------------------------------------------- routing (decision 0005)

  private static final EngineSettings ROUTING =
      new EngineSettings(Duration.ofSeconds(30), SHORT, SHORT, 4, Duration.ofMillis(200),
          Duration.ofMillis(100));

  @Test
  void aRequestGoesToTheWarmWorkerAloneWithItsShortAcceptBy() {
    cluster = FakeCluster.withLiveWorkers(8, 2);
    cluster.warmWorker("w1");
    Instant before = Instant.now();
    Call call = new Call(Fns.function("echo", 10_000), ROUTING);
    ActivationRequest request = call.submitted();
    assertEquals(List.of("w1"), cluster.routes());
    assertTrue(request.acceptBy().isBefore(before.plus(Duration.ofSeconds(5))),
        "the routed window, not the 30 s accept timeout: " + request.acceptBy());
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
    assertTrue(cluster.withdrawn().isEmpty());
    assertEquals(1, cluster.submitted().size(), "queued once");
  }

  @Test
  void aRoutedRequestNobodyTakesIsWithdrawnAndQueuedForAnyWorker() {
    cluster = FakeCluster.withLiveWorkers(8, 2);
    cluster.warmWorker("w1");
    Call call = new Call(Fns.function("echo", 10_000), ROUTING);
    Instant routedBy = call.submitted().acceptBy();
    call.caller.awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(2, cluster.submitted().size());
      return null;
    });
    assertEquals(Arrays.asList("w1", null), cluster.routes());
    assertEquals(1, cluster.withdrawn().size(), "the routed copy withdrawn first");
    assertEquals(1, cluster.held(), "one place for one activation");
    ActivationRequest second = cluster.submitted().get(1);
    assertTrue(second.acceptBy().isAfter(routedBy.plus(Duration.ofSeconds(20))),
        "the activation's own accept deadline: " + second.acceptBy());
    assertEquals(call.submitted().submittedAt(), second.submittedAt(), "queued since the first");
    call.emit(new WorkerEvent.Accepted(call.id, "w2"));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  @Test
  void aDropByTheRoutedWorkerFallsBackAtOnceAndItsLateWordIsIgnored() {
    cluster = FakeCluster.withLiveWorkers(8, 2);
    cluster.warmWorker("w1");
    Call call = new Call(Fns.function("echo", 10_000),
        new EngineSettings(Duration.ofSeconds(30), SHORT, SHORT, 4, Duration.ofSeconds(20),
            Duration.ofSeconds(20)));
    call.submitted();
    call.emit(new WorkerEvent.Dropped(call.id, "pulled after its accept deadline", "w1"));
    call.caller.awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(2, cluster.submitted().size(), "not waiting for the 40 s route deadline");
      return null;
    });
    // The same drop seen twice (a late copy): stale, not a failure of the queued one.
    call.emit(new WorkerEvent.Dropped(call.id, "pulled after its accept deadline", "w1"));
    call.emit(new WorkerEvent.Accepted(call.id, "w2"));
    call.emit(new WorkerEvent.Dropped(call.id, "pulled after its accept deadline", "w1"));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
    assertEquals(Arrays.asList("w1", null), cluster.routes());
  }

  @Test
  void withoutAWarmWorkerTheRequestIsQueuedForAnyWorker() {
    cluster = FakeCluster.withLiveWorkers(8, 2);
    Call call = new Call(Fns.function("echo", 10_000), ROUTING);
    call.submitted();
    assertEquals(Arrays.asList((String) null), cluster.routes());
    call.emit(new WorkerEvent.Accepted(call.id, "w2"));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  // ------------------------------------------------- missing word (decision 0009)

  @Test
  void aNodeCutOffFromNatsAnswers503AtOnceWithoutSubmitting() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    cluster.linkDown();
    Call call = new Call();
    Outcome.Unavailable unavailable = call.expect(Outcome.Unavailable.class);
    assertEquals("the activation queue cannot be reached", unavailable.reason());
    assertTrue(cluster.submitted().isEmpty());
    call.assertCleanedUp();
  }

  @Test
  void silenceWhileThisNodesLinkIsDownIsNotEvidence() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    cluster.linkDown();
    // Several heartbeat timeouts without a word: the node cannot hear its worker.
    call.caller.expectNoMessage(SHORT.multipliedBy(4));
    cluster.linkUp();
    call.emit(new WorkerEvent.Heartbeat(call.id));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    assertArrayEquals(INPUT, call.expect(Outcome.Succeeded.class).record().result());
    assertEquals(0, call.store.gets(), "nothing to look for: the worker answered");
    call.assertCleanedUp();
  }

  @Test
  void afterAnOutageSilenceCountsOnlyOverAFullWindowOfLink() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    cluster.linkDown();
    call.caller.expectNoMessage(SHORT.multipliedBy(2));
    long upAt = System.nanoTime();
    cluster.linkUp();
    Outcome.Failed failed = call.expect(Outcome.Failed.class);
    long afterUpMs = (System.nanoTime() - upAt) / 1_000_000;
    assertEquals(FailureKind.WORKER_LOST, failed.failure());
    assertTrue(afterUpMs >= SHORT.toMillis(), "lost " + afterUpMs + " ms after the link came back");
    call.assertCleanedUp();
  }

  @Test
  void aWorkerWhoseWordWasLostIsAnsweredFromItsRecord() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    // The worker finished and recorded it; its Completed never reached this node.
    call.store.preload(Records.success(call.id, INPUT));
    Outcome.Succeeded ok = call.expect(Outcome.Succeeded.class);
    assertArrayEquals(INPUT, ok.record().result());
    call.assertCleanedUp();
  }

  @Test
  void aRecordedFailureIsTheAnswerNotWorkerLost() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.store.preload(Records.failed(call.id, FailureKind.NON_ZERO_EXIT, 3));
    Outcome.Failed failed = call.expect(Outcome.Failed.class);
    assertEquals(FailureKind.NON_ZERO_EXIT, failed.failure());
    assertEquals(3, failed.exitCode());
    call.assertCleanedUp();
  }

  @Test
  void theRecordIsReadAgainWhileReadsFail() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    FakeStore store = new FakeStore().failingGets(3);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS,
        limiter(4), store);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    store.preload(Records.success(call.id, INPUT));
    call.expect(Outcome.Succeeded.class);
    assertEquals(4, store.gets());
    call.assertCleanedUp();
  }

  @Test
  void aWorkerHeardWhileItsRecordIsReadIsStillRunning() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    FakeStore store = new FakeStore().failingGets(1_000);
    Call call = new Call(Fns.function("hang", 60_000), SETTINGS,
        limiter(4), store);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.caller.awaitAssert(() -> {
      assertTrue(store.gets() >= 1, "reading its record");
      return null;
    });
    call.emit(new WorkerEvent.Heartbeat(call.id));
    call.emit(new WorkerEvent.Completed(call.id, Records.success(call.id, INPUT)));
    call.expect(Outcome.Succeeded.class);
    call.assertCleanedUp();
  }

  @Test
  void atTheResultDeadlineARecordedOutcomeIsTheAnswer() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    Call call = new Call(Fns.function("hang", 100),
        new EngineSettings(SHORT, Duration.ofSeconds(30), Duration.ofMillis(200), 4));
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    call.store.preload(Records.timeout(call.id));
    Outcome.TimedOut timedOut = call.expect(Outcome.TimedOut.class);
    assertEquals(FailureKind.TIMEOUT, timedOut.record().failure(), "the worker's own record");
    call.assertCleanedUp();
  }

  @Test
  void anOutcomeThatCannotBeReadByTheDeadlineIsATimeoutNeverRetry() {
    cluster = FakeCluster.withLiveWorkers(8, 1);
    FakeStore store = new FakeStore().failingGets(1_000);
    Call call = new Call(Fns.function("hang", 200),
        new EngineSettings(SHORT, SHORT, Duration.ofMillis(200), 4).withRecordLookup(SHORT),
        limiter(4), store);
    call.submitted();
    call.emit(new WorkerEvent.Accepted(call.id, "w1"));
    // NATS is away: this node hears nothing and cannot read the record either.
    cluster.linkDown();
    assertNull(call.expect(Outcome.TimedOut.class).record());
    assertTrue(store.gets() >= 2, "read again while it failed: " + store.gets());
    call.assertCleanedUp();
  }
}
