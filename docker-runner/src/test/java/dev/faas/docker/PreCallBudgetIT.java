package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.PreCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A pre-started container under faas-init may spend only its pre-call CPU budget before its call
 * (docs/decisions/0008): past it, it is frozen, and thawed when its call comes; the run reports
 * what it spent. The container's CPU is read from the host's cgroup, not from faas-init.
 */
class PreCallBudgetIT extends DockerFixture {
  static final Duration BUDGET = Duration.ofMillis(300);
  /** What the engine spends starting a container (runc's init runs in its cgroup), and more. */
  static final long START_SLACK_MS = 250;

  @Override
  DockerSettings settings() {
    return super.settings().withPrecallCpu(BUDGET);
  }

  @Test
  void aContainerBusyBeforeItsCallIsFrozenAtItsBudgetAndStillAnswers() throws Exception {
    Container container = await(runtime.start(spec(TestImages.BUSY)));
    try {
      long frozenAt = awaitFrozen(container.id());
      assertTrue(
          frozenAt < BUDGET.toMillis() + START_SLACK_MS,
          "frozen near its budget: used " + frozenAt + " ms");
      Thread.sleep(500); // an observation window: a frozen container stays frozen
      long later = cpuMillis(container.id());
      assertTrue(later - frozenAt <= 5, "still frozen: " + frozenAt + " then " + later + " ms");

      Output output = collect(container.run("thawed".getBytes(StandardCharsets.UTF_8)));

      assertEquals("thawed", output.out());
      assertEquals("", output.err(), "the call mark is not output");
      assertEquals(new ContainerExit(0, false), await(container.exit()));
      PreCall preCall = container.preCall().orElseThrow();
      assertTrue(preCall.frozen());
      assertTrue(
          preCall.cpuMs() >= BUDGET.toMillis() && preCall.cpuMs() < BUDGET.toMillis() + 150,
          "spent about its budget: " + preCall.cpuMs() + " ms");
    } finally {
      await(container.remove());
    }
  }

  @Test
  void anIdleContainerSpendsAlmostNothingAndIsNotFrozen() throws Exception {
    Container container = await(runtime.start(spec(TestImages.CAT)));
    try {
      // Longer than the budget as wall time: an idle container is not frozen for waiting.
      Thread.sleep(BUDGET.toMillis() + 300);

      Output output = collect(container.run("idle".getBytes(StandardCharsets.UTF_8)));

      assertEquals("idle", output.out());
      PreCall preCall = container.preCall().orElseThrow();
      assertTrue(!preCall.frozen(), "not frozen");
      assertTrue(preCall.cpuMs() < 50, "used " + preCall.cpuMs() + " ms");
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aContainerWhoseProcessEndsBeforeItsCallStillReportsItsExit() throws Exception {
    Container container = await(runtime.start(spec(TestImages.ECHO)));
    try {
      eventually(
          Duration.ofSeconds(10),
          () -> !docker.inspectContainerCmd(container.id()).exec().getState().getRunning());

      Output output = collect(container.run(new byte[0]));

      assertEquals("hello\n", output.out());
      assertEquals(new ContainerExit(0, false), await(container.exit()));
      assertEquals(Optional.empty(), container.preCall(), "no call came before its end");
    } finally {
      await(container.remove());
    }
  }

  @Test
  void aFrozenContainerIsKilledAndRemovedAsAnyOther() throws Exception {
    Container container = await(runtime.start(spec(TestImages.BUSY)));
    try {
      awaitFrozen(container.id());

      await(container.kill());

      assertEquals(137, await(container.exit()).exitCode());
    } finally {
      await(container.remove());
    }
    assertTrue(platformContainers().isEmpty(), "removed");
  }

  /**
   * Waits until every process of the container but its PID 1 is stopped (as the host's /proc
   * sees them); the container's CPU then, in milliseconds.
   */
  long awaitFrozen(String id) throws InterruptedException {
    var state = docker.inspectContainerCmd(id).exec().getState();
    assertTrue(state.getRunning(), "running: " + state);
    long init = state.getPidLong();
    eventually(
        Duration.ofSeconds(10),
        () -> {
          List<Long> others = processes(id).stream().filter(pid -> pid != init).toList();
          return !others.isEmpty() && others.stream().allMatch(pid -> state(pid) == 'T');
        });
    return cpuMillis(id);
  }

  /** The host pids of the container's processes. */
  static List<Long> processes(String id) {
    Path procs = Path.of("/sys/fs/cgroup/cpuacct/docker", id, "cgroup.procs");
    try {
      return Files.readAllLines(procs).stream().map(String::trim).map(Long::parseLong).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("read " + procs, e);
    }
  }

  /** A process's state letter (R, S, T, Z...), or '?' once it is gone. */
  static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      return '?';
    }
  }

  /** The CPU the container's cgroup has used, read on the host (cgroup v1, cgroupfs driver). */
  static long cpuMillis(String id) {
    Path usage = Path.of("/sys/fs/cgroup/cpuacct/docker", id, "cpuacct.usage");
    try {
      return Long.parseLong(Files.readString(usage).trim()) / 1_000_000;
    } catch (IOException e) {
      throw new UncheckedIOException("read " + usage + " (cgroup v1 with the cgroupfs driver)", e);
    }
  }
}
