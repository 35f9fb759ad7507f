package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.runtime.PreCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RunnerActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final RunnerSettings SETTINGS =
      new RunnerSettings(RunnerSettings.MIB, 64, Duration.ofMillis(50), 500_000_000L, 32,
          8 * RunnerSettings.MIB, Duration.ofSeconds(2), Duration.ofSeconds(1),
          Duration.ofSeconds(2));

  private final FakeRuntime runtime = new FakeRuntime();

  {
    runtime.removeDelay(Duration.ofMillis(30));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private RunnerHarness run(String image, int timeoutMs, byte[] input) {
    return run(image, timeoutMs, input, SETTINGS);
  }

  private RunnerHarness run(String image, int timeoutMs, byte[] input, RunnerSettings settings) {
    return new RunnerHarness(testKit, runtime, Fns.function(image, timeoutMs), input, settings);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void successReturnsStdoutByteForByte() {
    byte[] input = new byte[700 * 1024];
    new Random(42).nextBytes(input);
    System.arraycopy(utf8("ünï ✓ \r\n\0"), 0, input, 0, 13);
    RunnerHarness h = run("echo", 10_000, input);
    ActivationRecord record = h.finished();
    assertEquals(ActivationStatus.SUCCESS, record.status());
    assertNull(record.failure());
    assertEquals(0, record.exitCode());
    assertArrayEquals(input, record.result());
    assertArrayEquals(input, h.onlyContainer().stdin(), "the container got the input exactly");
    assertEquals(0, h.onlyContainer().kills());
  }

  @Test
  void theRecordSaysWhatTheContainerDidBeforeItsCall() {
    ActivationRecord unknown = run("echo", 10_000, utf8("x")).finished();
    assertNull(unknown.preCallCpuMs());
    assertNull(unknown.preCallFrozen());

    runtime.preCall(new PreCall(1003L, true));
    ActivationRecord frozen = run("echo", 10_000, utf8("x")).finished();
    assertEquals(1003L, frozen.preCallCpuMs());
    assertEquals(Boolean.TRUE, frozen.preCallFrozen());

    // Known at the call: still reported when the container's exit never comes.
    ActivationRecord vanished = run("vanish", 10_000, utf8("x")).finished();
    assertEquals(ActivationStatus.FAILED, vanished.status());
    assertEquals(1003L, vanished.preCallCpuMs());

    runtime.preCall(new PreCall(null, false));
    ActivationRecord unmeasured = run("echo", 10_000, utf8("x")).finished();
    assertNull(unmeasured.preCallCpuMs());
    assertEquals(Boolean.FALSE, unmeasured.preCallFrozen());
  }

  @Test
  void emptyInputGivesEmptyOutput() {
    RunnerHarness h = run("echo", 10_000, new byte[0]);
    ActivationRecord record = h.finished();
    assertEquals(ActivationStatus.SUCCESS, record.status());
    assertEquals(0, record.result().length);
    assertEquals(0, h.onlyContainer().stdin().length);
  }

  @Test
  void theContainerIsShapedByTheFunctionAndLabelled() {
    RunnerHarness h = run("echo", 10_000, utf8("x"));
    h.finished();
    ContainerSpec spec = runtime.specs().get(0);
    assertEquals("echo", spec.image());
    assertEquals(List.of(), spec.args());
    assertEquals(Map.of("K", "V"), spec.env());
    assertEquals(64 * RunnerSettings.MIB, spec.memoryBytes());
    assertEquals(500_000_000L, spec.nanoCpus());
    assertEquals(32, spec.pidsLimit());
    assertFalse(spec.network());
    assertEquals(8 * RunnerSettings.MIB, spec.tmpfsBytes());
    assertEquals(
        Map.of(ContainerSpec.PLATFORM_LABEL, RunnerHarness.PLATFORM,
            ContainerSpec.ACTIVATION_LABEL, h.id, ContainerSpec.WORKER_LABEL, RunnerHarness.WORKER),
        spec.labels());
  }

  @Test
  void argModePassesTheParameterAsTheLastArgumentAndNothingOnStdin() {
    byte[] input = utf8("as an argument ✓");
    RunnerHarness h = new RunnerHarness(testKit, runtime,
        Fns.function("echo", 10_000, InputMode.ARG), input, SETTINGS);
    ActivationRecord record = h.finished();
    assertEquals(List.of("as an argument ✓"), runtime.specs().get(0).args());
    assertEquals(0, h.onlyContainer().stdin().length);
    assertArrayEquals(input, record.result());
  }

  @Test
  void stderrGoesToTheLogsNotTheResult() {
    ActivationRecord record = run("stderr", 10_000, utf8("to the logs")).finished();
    assertEquals(ActivationStatus.SUCCESS, record.status());
    assertEquals("out", new String(record.result(), StandardCharsets.UTF_8));
    assertEquals("to the logs", record.logs());
    assertFalse(record.logsTruncated());
  }

  @Test
  void theLiveLogIsToldTheKeptStderrAsItGrowsThenTheEndOnceTheRecordIsWritten() {
    byte[] input = new byte[200];
    java.util.Arrays.fill(input, (byte) 'e');
    RunnerHarness h = run("stderr", 10_000, input);
    h.finished();
    List<String> live = h.item.live();
    assertTrue(live.contains("alive"), "alive when it starts running: " + live);
    List<String> kept = live.stream().filter(l -> l.startsWith("kept ")).toList();
    // Exactly what the record keeps, capped alike (64 bytes here).
    assertEquals("kept " + "e".repeat(64), kept.get(kept.size() - 1), live::toString);
    int replies = h.item.replies().size();
    assertEquals("end SUCCESS true after " + replies + " replies", live.get(live.size() - 1),
        "last, after Completed: " + live);
  }

  @Test
  void logsOverTheirCapAreTruncatedAndFlagged() {
    byte[] input = new byte[200];
    java.util.Arrays.fill(input, (byte) 'e');
    ActivationRecord record = run("stderr", 10_000, input).finished();
    assertEquals(ActivationStatus.SUCCESS, record.status());
    assertEquals("e".repeat(64), record.logs());
    assertTrue(record.logsTruncated());
    assertEquals("out", new String(record.result(), StandardCharsets.UTF_8));
  }

  @Test
  void nonZeroExitFailsWithItsCode() {
    ActivationRecord record = run("fail", 10_000, utf8("x")).finished();
    assertEquals(ActivationStatus.FAILED, record.status());
    assertEquals(FailureKind.NON_ZERO_EXIT, record.failure());
    assertEquals(3, record.exitCode());
    assertEquals("partial", new String(record.result(), StandardCharsets.UTF_8));
    assertEquals("boom", record.logs());
  }

  @Test
  void imageNotFoundStillWritesARecord() {
    RunnerHarness h = run("missing", 10_000, utf8("x"));
    ActivationRecord record = h.finished();
    assertEquals(ActivationStatus.FAILED, record.status());
    assertEquals(FailureKind.IMAGE_NOT_FOUND, record.failure());
    assertNull(record.exitCode());
    assertTrue(runtime.specs().isEmpty(), "no container was made");
  }

  @Test
  void unreachableEngineIsAPlatformError() {
    ActivationRecord record = run("down", 10_000, utf8("x")).finished();
    assertEquals(FailureKind.PLATFORM_ERROR, record.failure());
  }

  @Test
  void outOfMemoryIsReportedAsSuch() {
    ActivationRecord record = run("oom", 10_000, utf8("x")).finished();
    assertEquals(ActivationStatus.FAILED, record.status());
    assertEquals(FailureKind.OUT_OF_MEMORY, record.failure());
    assertEquals(137, record.exitCode());
  }

  @Test
  void stdoutOverItsCapKillsTheContainer() {
    RunnerSettings small = new RunnerSettings(64 * 1024, 64, Duration.ofMillis(50), 1, 1, 1,
        Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2));
    RunnerHarness h = run("flood", 60_000, utf8("y"), small);
    ActivationRecord record = h.finished();
    assertEquals(ActivationStatus.FAILED, record.status());
    assertEquals(FailureKind.OUTPUT_TOO_LARGE, record.failure());
    assertNull(record.exitCode());
    assertEquals(0, record.result().length);
    assertEquals(1, h.onlyContainer().kills(), "killed");
  }

  @Test
  void timeoutKillsTheContainer() {
    // Long enough for the first output to flow even on a cold, busy JVM.
    RunnerHarness h = run("hang", 1000, utf8("x"));
    ActivationRecord record = h.finished();
    FakeRuntime.FakeContainer container = h.onlyContainer();
    assertEquals(ActivationStatus.TIMEOUT, record.status());
    assertEquals(FailureKind.TIMEOUT, record.failure());
    assertNull(record.exitCode());
    assertEquals("started", new String(record.result(), StandardCharsets.UTF_8));
    assertEquals(1, container.kills());
    assertTrue(record.runMs() >= 1000, "ran " + record.runMs() + " ms");
  }

  @Test
  void aTimeoutIsAnsweredWithoutWaitingForTheKilledContainersExit() {
    runtime.killsHang(true);
    RunnerSettings patient =
        new RunnerSettings(RunnerSettings.MIB, 64, Duration.ofMillis(50), 500_000_000L, 32,
            8 * RunnerSettings.MIB, Duration.ofSeconds(2), Duration.ofSeconds(60),
            Duration.ofSeconds(2));
    // The kill's grace (60 s) is far past the harness's patience (5 s): the answer cannot wait.
    ActivationRecord record = run("hang", 300, utf8("x"), patient).finished();
    assertEquals(ActivationStatus.TIMEOUT, record.status());
    assertEquals(1, runtime.allContainers().get(0).kills());
  }

  @Test
  void anEngineThatVanishesMidRunIsAPlatformErrorAndTheContainerIsStillRemoved() {
    ActivationRecord record = run("vanish", 10_000, utf8("x")).finished();
    assertEquals(FailureKind.PLATFORM_ERROR, record.failure());
  }

  @Test
  void heartbeatsAndInProgressWhileRunning() {
    RunnerHarness h = run("hang", 600, utf8("x"));
    h.parent.awaitAssert(() -> {
      assertTrue(h.item.inProgressCount() >= 3);
      assertTrue(h.item.replies(WorkerEvent.Heartbeat.class).size() >= 3);
      return null;
    });
    h.finished();
    int heartbeats = h.item.replies(WorkerEvent.Heartbeat.class).size();
    h.parent.expectNoMessage(Duration.ofMillis(150));
    assertEquals(heartbeats, h.item.replies(WorkerEvent.Heartbeat.class).size(),
        "no heartbeat after the end");
  }

  @Test
  void aContainerThatComesAfterTheAcquireDeadlineIsRemoved() {
    runtime.startDelay(Duration.ofMillis(700));
    RunnerSettings impatient = new RunnerSettings(RunnerSettings.MIB, 64, Duration.ofMillis(50),
        1, 1, 1, Duration.ofMillis(150), Duration.ofSeconds(1), Duration.ofSeconds(2));
    RunnerHarness h = run("echo", 10_000, utf8("x"), impatient);
    ActivationRecord record = h.finished();
    assertEquals(FailureKind.PLATFORM_ERROR, record.failure());
    h.parent.awaitAssert(Duration.ofSeconds(3), () -> {
      assertEquals(1, runtime.specs().size(), "the slow start did complete");
      assertEquals(0, runtime.liveCount(), "and its container was removed");
      return null;
    });
  }

  // ------------------------------------------------- NATS away at the end (decision 0009)

  @Test
  void aRecordAndAnAckThatFailWhileNatsIsAwayAreRetriedBeforeTheAnswer() {
    RunnerHarness h = new RunnerHarness(testKit, runtime, Fns.function("echo", 10_000),
        utf8("ran"), SETTINGS, 3, 2);
    // The container is not kept for the answer, which waits for NATS.
    h.parent.awaitAssert(Duration.ofSeconds(3), () -> {
      assertTrue(h.onlyContainer().gone(), "removed");
      assertTrue(h.item.replies(WorkerEvent.Completed.class).isEmpty(), "before the answer");
      return null;
    });
    h.parent.expectMessage(Duration.ofSeconds(5), new RunnerActor.Finished(h.id));
    assertEquals(4, h.store.puts(), "written on the fourth attempt");
    assertEquals(3, h.item.acks(), "acked on the third attempt");
    assertEquals(0, h.item.drops());
    List<WorkerEvent> replies = h.item.replies();
    assertTrue(replies.get(replies.size() - 1) instanceof WorkerEvent.Completed, "Completed last");
    ActivationRecord record = h.item.replies(WorkerEvent.Completed.class).get(0).record();
    assertEquals(ActivationStatus.SUCCESS, record.status());
    assertEquals(record, h.store.byId(h.id).orElseThrow(), "the record is there once NATS is");
    // 250 + 500 + 1000 ms of retries with a heartbeat every 50 ms: the API node keeps waiting.
    assertTrue(h.item.replies(WorkerEvent.Heartbeat.class).size() >= 10,
        "heartbeats while retrying: " + h.item.replies(WorkerEvent.Heartbeat.class).size());
  }

  @Test
  void whatCannotBeSettledBeforeTheSettleTimeoutIsAnsweredAnyway() {
    RunnerSettings patient = new RunnerSettings(RunnerSettings.MIB, 64, Duration.ofMillis(50),
        1, 1, 1, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofMillis(600));
    RunnerHarness h = new RunnerHarness(testKit, runtime, Fns.function("echo", 10_000),
        utf8("ran"), patient, 1_000, 0);
    h.parent.expectMessage(Duration.ofSeconds(5), new RunnerActor.Finished(h.id));
    h.parent.expectTerminated(h.runner, Duration.ofSeconds(3));
    assertTrue(h.store.byId(h.id).isEmpty());
    assertTrue(h.store.puts() >= 2, "retried: " + h.store.puts());
    assertEquals(1, h.item.replies(WorkerEvent.Completed.class).size());
    assertEquals(0, runtime.liveCount(), "no container left");
  }

  @Test
  void settleBackoffDoublesUpToTwoSeconds() {
    assertEquals(Duration.ofMillis(250), RunnerActor.settleBackoff(1));
    assertEquals(Duration.ofMillis(500), RunnerActor.settleBackoff(2));
    assertEquals(Duration.ofMillis(1000), RunnerActor.settleBackoff(3));
    assertEquals(Duration.ofSeconds(2), RunnerActor.settleBackoff(4));
    assertEquals(Duration.ofSeconds(2), RunnerActor.settleBackoff(40));
  }
}
