package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.ScriptedSource;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A worker takes work only while its engine can start containers, and heals after an outage. */
class WorkerEngineHealthTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final String PLATFORM = "faas-test";
  private static final RunnerSettings RUNNER =
      new RunnerSettings(RunnerSettings.MIB, 1024, Duration.ofMillis(50), 1, 1, 1,
          Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2));

  private final FakeRuntime runtime = new FakeRuntime();
  private final List<String> health = new CopyOnWriteArrayList<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<WorkerActor.Command> worker(ScriptedSource source) {
    WorkerSettings settings =
        new WorkerSettings("w1", PLATFORM, 2, Duration.ofMillis(100), Duration.ofMillis(50),
                Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofMinutes(10), RUNNER)
            .withProbe(Duration.ofMillis(50), Duration.ofSeconds(1));
    return testKit.spawn(
        WorkerActor.create(settings, source, runtime, new FakeStore(), Clock.systemUTC(),
            stats -> {}, (canStart, detail) -> health.add(canStart + ":" + detail)));
  }

  private long probes() {
    return runtime.calls().stream().filter("probe"::equals).count();
  }

  @Test
  void aWorkerWhoseEngineCannotStartContainersTakesNoWorkUntilItCan() {
    runtime.engineHealthy(false);
    ScriptedSource source = new ScriptedSource();
    ActorRef<WorkerActor.Command> worker = worker(source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertTrue(probes() >= 4, "checked again and again: " + probes());
      return null;
    });
    assertEquals(List.of(), source.pulls(), "no pull while the engine cannot start containers");
    assertEquals(List.of(), source.announcements(), "and no announcement: API nodes forget it");
    assertEquals(1, health.size(), "told once: " + health);
    assertTrue(health.get(0).startsWith("false:no container could be started"), health.get(0));

    // What the outage left behind: a container of this worker the runtime no longer uses.
    runtime.leftover(Map.of(ContainerSpec.PLATFORM_LABEL, PLATFORM,
        ContainerSpec.WORKER_LABEL, "w1", ContainerSpec.ACTIVATION_LABEL, "lost000001"));
    List<Integer> liveAtPull = new CopyOnWriteArrayList<>();
    source.onPull(max -> liveAtPull.add(runtime.liveCount()));
    runtime.engineHealthy(true);
    probe.awaitAssert(() -> {
      assertFalse(liveAtPull.isEmpty(), "pulls again");
      assertFalse(source.announcements().isEmpty(), "announces itself again");
      return null;
    });
    assertEquals(0, liveAtPull.get(0), "the outage's leftover was gone before the first pull");
    assertEquals(List.of("false", "true"),
        health.stream().map(h -> h.substring(0, h.indexOf(':'))).toList());
    testKit.stop(worker);
  }

  @Test
  void aWorkerThatLosesItsEngineStopsPullingAndAnnouncing() {
    ScriptedSource source = new ScriptedSource();
    ActorRef<WorkerActor.Command> worker = worker(source);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertTrue(source.pulls().size() >= 2, "pulls while its engine works");
      assertTrue(source.announcements().size() >= 2, "and announces itself");
      return null;
    });
    runtime.engineHealthy(false);
    probe.awaitAssert(() -> {
      assertEquals(2, health.size(), health.toString());
      return null;
    });
    int pulls = source.pulls().size();
    int announcements = source.announcements().size();
    long probesThen = probes();
    probe.awaitAssert(() -> {
      assertTrue(probes() >= probesThen + 4, "several checks later");
      return null;
    });
    // The pull open when the engine failed may still be answered; nothing after it.
    assertTrue(source.pulls().size() <= pulls + 1, "pulls " + pulls + " -> " + source.pulls());
    assertTrue(source.announcements().size() <= announcements + 1,
        "announcements " + announcements + " -> " + source.announcements().size());
    testKit.stop(worker);
  }
}
