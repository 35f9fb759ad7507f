package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.Fns;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A runner's timers with the real intervals, on a clock the test moves. */
class RunnerActorTimersTest {
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime manualTime = ManualTime.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void oneHeartbeatPerSecondThenAKillAtTheFunctionsTimeout() {
    FakeRuntime runtime = new FakeRuntime();
    RunnerHarness h = new RunnerHarness(testKit, runtime, Fns.function("hang", 60_000),
        new byte[] {'x'}, RunnerSettings.defaults());
    // The timeout timer is set before the container's input is written.
    h.parent.awaitAssert(() -> {
      assertTrue(h.onlyContainer().ran());
      return null;
    });
    for (int second = 1; second <= 3; second++) {
      manualTime.timePasses(Duration.ofSeconds(1));
      int expected = second;
      h.parent.awaitAssert(() -> {
        assertEquals(expected, h.item.inProgressCount());
        assertEquals(expected, h.item.replies(WorkerEvent.Heartbeat.class).size());
        return null;
      });
    }
    assertEquals(0, h.onlyContainer().kills(), "still within its 60 s");

    manualTime.timePasses(Duration.ofSeconds(57));
    // Settled (answered) first; the container's removal follows a moment after the answer.
    h.parent.awaitAssert(() -> {
      assertEquals(1, h.item.replies(WorkerEvent.Completed.class).size());
      return null;
    });
    manualTime.timePasses(RunnerActor.REMOVE_AFTER_ANSWER);
    ActivationRecord record = h.finished();
    assertEquals(ActivationStatus.TIMEOUT, record.status());
    assertEquals(1, h.onlyContainer().kills());
  }
}
