package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.fakes.CountingInFlight;
import dev.faas.actors.fakes.FakeCluster;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.Records;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Names;
import dev.faas.actors.outcome.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ActivationSupervisorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final EngineSettings SETTINGS =
      new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 4);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void idsAreRandomLowerCaseAlphanumerics() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = ActivationSupervisor.newActivationId();
      assertTrue(Names.isActivationId(id) && id.length() >= 20, id);
      ids.add(id);
    }
    assertEquals(10_000, ids.size());
  }

  @Test
  void theRequestIdOfTheCallTravelsWithTheActivation() {
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 1)) {
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, new FakeStore(), SETTINGS,
              id -> "r." + id, new CountingInFlight()));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      String id = ActivationSupervisor.newActivationId();
      supervisor.tell(new ActivationSupervisor.Invoke(new ActivationCall(id,
          Fns.function("echo", 1000), 1, new byte[] {1}, null, "req-42", null), caller.ref()));
      caller.awaitAssert(() -> {
        assertEquals(1, cluster.submitted().size());
        return null;
      });
      assertEquals("req-42", cluster.submitted().get(0).requestId());
      assertTrue(cluster.emit(new WorkerEvent.Completed(id, Records.success(id, new byte[] {1}))));
      caller.expectMessageClass(Outcome.Succeeded.class);
    }
  }

  @Test
  void theActivationLogsWithTheRequestIdInItsMdc() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ActivationActor.class);
    java.util.List<java.util.Map<String, String>> mdcs =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.AppenderBase<>() {
          @Override
          protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
            if (event.getFormattedMessage().contains("no worker is running")) {
              mdcs.add(event.getMDCPropertyMap());
            }
          }
        };
    ch.qos.logback.classic.Level level = logger.getLevel();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 0)) {
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, new FakeStore(), SETTINGS,
              id -> "r." + id, new CountingInFlight()));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      supervisor.tell(new ActivationSupervisor.Invoke(new ActivationCall(
          ActivationSupervisor.newActivationId(), Fns.function("echo", 1000), 1, new byte[] {1},
          null, "req-log-1", null), caller.ref()));
      caller.expectMessageClass(Outcome.Unavailable.class);
      caller.awaitAssert(() -> {
        assertEquals(1, mdcs.size());
        return null;
      });
      assertEquals("req-log-1", mdcs.get(0).get("requestId"));
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
  }

  @Test
  void invokeRunsAnActivationThatAnswersItsCaller() {
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 1)) {
      CountingInFlight inFlight = new CountingInFlight();
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, new FakeStore(), SETTINGS,
              id -> "r." + id, inFlight));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      supervisor.tell(new ActivationSupervisor.Invoke(
          ActivationCall.of(null, Fns.function("echo", 1000), 1, new byte[] {1, 2}),
          caller.ref()));
      caller.awaitAssert(() -> {
        assertEquals(1, cluster.submitted().size());
        return null;
      });
      ActivationRequest request = cluster.submitted().get(0);
      assertTrue(Names.isActivationId(request.activationId()));
      assertEquals("r." + request.activationId(), request.replyTo());
      assertTrue(cluster.emit(new WorkerEvent.Completed(request.activationId(),
          Records.success(request.activationId(), new byte[] {1, 2}))));
      assertEquals(request.activationId(),
          caller.expectMessageClass(Outcome.Succeeded.class).activationId());
      caller.awaitAssert(() -> {
        assertEquals(1, inFlight.peakActivations());
        assertEquals(0, inFlight.activations());
        assertEquals(0, inFlight.permits());
        return null;
      });
    }
  }

  @Test
  void aMalformedOrDuplicateIdIsRefused() {
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 1)) {
      CountingInFlight inFlight = new CountingInFlight();
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, new FakeStore(), SETTINGS,
              id -> "r." + id, inFlight));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      supervisor.tell(new ActivationSupervisor.Invoke(
          ActivationCall.of("Not-Valid", Fns.function("echo", 1000), 1, new byte[0]),
          caller.ref()));
      caller.expectMessageClass(Outcome.Unavailable.class);
      ActivationCall same = ActivationCall.of("sameid0001", Fns.function("echo", 1000), 1,
          new byte[0]);
      supervisor.tell(new ActivationSupervisor.Invoke(same, caller.ref()));
      supervisor.tell(new ActivationSupervisor.Invoke(same, caller.ref()));
      caller.expectMessageClass(Outcome.Unavailable.class);
      assertEquals(1, inFlight.activations());
    }
  }

  @Test
  void aCrashedActivationStillAnswersItsCallerOnceAndFreesItsPermit() {
    try (FakeCluster cluster = FakeCluster.withLiveWorkers(8, 1)) {
      // A broken transport binding: submit throws an Error, which crashes the activation's actor
      // (a RuntimeException or a null stage is a failed submit, answered as such).
      ActivationQueue broken =
          new ActivationQueue() {
            @Override
            public AutoCloseable listen(String id, Consumer<WorkerEvent> onEvent) {
              return cluster.listen(id, onEvent);
            }

            @Override
            public CompletionStage<Long> submit(ActivationRequest request) {
              throw new AssertionError("a broken transport binding");
            }

            @Override
            public CompletionStage<Void> withdraw(long ticket) {
              return cluster.withdraw(ticket);
            }

            @Override
            public int liveWorkers() {
              return 1;
            }

            @Override
            public java.util.Optional<String> warmWorker(FunctionSpec function) {
              return java.util.Optional.empty();
            }

            @Override
            public CompletionStage<Long> submit(ActivationRequest request, String worker) {
              return submit(request);
            }

            @Override
            public Link link() {
              return Link.UP;
            }
          };
      CountingInFlight inFlight = new CountingInFlight();
      ActorRef<NodeLimiter.Command> limiter =
          testKit.spawn(NodeLimiter.create(4, inFlight::permits));
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(broken, new FakeStore(), limiter, SETTINGS, id -> "r." + id,
              Clock.systemUTC(), inFlight));
      TestProbe<Outcome> caller = testKit.createTestProbe();
      supervisor.tell(new ActivationSupervisor.Invoke(
          ActivationCall.of(null, Fns.function("echo", 1000), 1, new byte[0]), caller.ref()));
      Outcome.Unavailable answer =
          caller.expectMessageClass(Outcome.Unavailable.class);
      assertEquals("the platform failed while handling the activation", answer.reason());
      caller.expectNoMessage(Duration.ofMillis(100));
      caller.awaitAssert(() -> {
        assertEquals(1, inFlight.peakActivations());
        assertEquals(0, inFlight.permits());
        assertEquals(0, cluster.openListeners());
        assertEquals(0, inFlight.activations());
        return null;
      });
    }
  }
}
