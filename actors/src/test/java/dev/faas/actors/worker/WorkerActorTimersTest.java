package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.ScriptedSource;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The worker's minute-long sweep, on a clock the test moves. */
class WorkerActorTimersTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime manualTime = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static long sweeps(FakeRuntime runtime) {
    return runtime.calls().stream().filter(c -> c.startsWith("removeOlderThan:")).count();
  }

  @Test
  void sweepsStaleContainersEveryInterval() {
    FakeRuntime runtime = new FakeRuntime();
    WorkerSettings settings = WorkerSettings.defaults("w1", "faas-test", 2);
    testKit.spawn(WorkerActor.create(settings, new ScriptedSource(), runtime,
        new ColdContainerSource(runtime), new FakeStore(), Clock.systemUTC()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(() -> {
      assertEquals(1, sweeps(runtime), "one sweep at start");
      return null;
    });
    String expected = "removeOlderThan:{" + "dev.faas.platform=faas-test}:" + settings.sweepAge();
    assertEquals(expected, runtime.calls().stream()
        .filter(c -> c.startsWith("removeOlderThan:")).findFirst().orElseThrow());

    manualTime.timePasses(Duration.ofSeconds(59));
    assertEquals(1, sweeps(runtime));
    manualTime.timePasses(Duration.ofSeconds(1));
    probe.awaitAssert(() -> {
      assertEquals(2, sweeps(runtime));
      return null;
    });
    manualTime.timePasses(Duration.ofMinutes(1));
    probe.awaitAssert(() -> {
      assertEquals(3, sweeps(runtime));
      return null;
    });
  }
}
