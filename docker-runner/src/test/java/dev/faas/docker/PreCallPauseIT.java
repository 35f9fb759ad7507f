package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.PreCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With faas-init off, the engine bounds a pre-started container instead (docs/decisions/0008):
 * paused once it has waited for its call as long as the budget, unpaused by its run.
 */
class PreCallPauseIT extends DockerFixture {
  static final Duration BUDGET = Duration.ofMillis(300);

  @Override
  DockerSettings settings() {
    return super.settings().withFaasInit(false).withPrecallCpu(BUDGET);
  }

  @Test
  void aContainerWaitingPastItsBudgetIsPausedAndItsRunUnpausesIt() throws Exception {
    Container container = await(runtime.start(spec(TestImages.BUSY)));
    try {
      eventually(Duration.ofSeconds(10), () -> paused(container.id()));
      long pausedAt = PreCallBudgetIT.cpuMillis(container.id());

      Output output = collect(container.run("unpaused".getBytes(StandardCharsets.UTF_8)));

      assertEquals("unpaused", output.out());
      assertEquals(new ContainerExit(0, false), await(container.exit()));
      assertEquals(new PreCall(null, true), container.preCall().orElseThrow());
      assertTrue(
          pausedAt < BUDGET.toMillis() + PreCallBudgetIT.START_SLACK_MS,
          "paused after about its budget: " + pausedAt + " ms of CPU");
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aRunBeforeTheBudgetIsNotPaused() throws Exception {
    Container container = await(runtime.start(spec(TestImages.CAT)));
    try {
      Output output = collect(container.run("at once".getBytes(StandardCharsets.UTF_8)));

      assertEquals("at once", output.out());
      assertEquals(new PreCall(null, false), container.preCall().orElseThrow());
      assertFalse(((DockerContainer) container).endedByMarks(), "not under faas-init");
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aPausedContainerIsKilledAndRemovedAsAnyOther() throws Exception {
    Container container = await(runtime.start(spec(TestImages.BUSY)));
    try {
      eventually(Duration.ofSeconds(10), () -> paused(container.id()));

      await(container.kill());

      assertEquals(137, await(container.exit()).exitCode());
    } finally {
      await(container.remove());
    }
    assertTrue(platformContainers().isEmpty(), "removed");
  }

  private boolean paused(String id) {
    Boolean paused = docker.inspectContainerCmd(id).exec().getState().getPaused();
    return paused != null && paused;
  }
}
