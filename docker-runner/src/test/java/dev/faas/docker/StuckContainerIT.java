package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine hanging on a container never hangs the runtime (issue 10): a pre-started container
 * flooding an attach nobody reads is removed at once, and a container the engine cannot stop is
 * set aside, removed once the engine lets go, and meanwhile costs the other containers nothing.
 */
class StuckContainerIT extends DockerFixture {
  /**
   * Each engine call's deadline: over the ~2 s the engine takes to kill a container flooding its
   * output (it waits that long for the output to drain into its log), well under the tests'
   * patience.
   */
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @Override
  DockerSettings settings() {
    return super.settings().withCallTimeout(DEADLINE);
  }

  @Test
  void aPreStartedContainerFloodingItsUnreadOutputIsKilledAndRemovedAtOnce() throws Exception {
    DockerContainer flood = (DockerContainer) await(runtime.start(spec(TestImages.FLOOD)));
    // Its output waits for a run that never comes: the engine's copy of it is blocked on us.
    eventually(PATIENCE, () -> flood.framesReceived() > 0);

    // What the warm pool does with a container it gives up, kill or removal: neither may wait
    // for a run that never comes. (Before the fix, the kill waited for good.)
    long cutBefore = runtime.stats().callsCut();
    int stuckBefore = runtime.stats().stuck();
    long before = System.nanoTime();
    await(flood.kill());
    await(flood.remove());
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertEquals(stuckBefore, runtime.stats().stuck(), "removed, not set aside");
    assertEquals(cutBefore, runtime.stats().callsCut(), "no call waited for the engine");
    assertTrue(took.compareTo(DEADLINE) < 0, "killed and removed in " + took.toMillis() + " ms");
    assertEngineForgot(flood.id());
  }

  @Test
  void aContainerGivenUpBeforeItsRunIsKilledWaitingNeverWokenWithAnEmptyInput() throws Exception {
    Instant since = Instant.now();
    Container waiting = await(runtime.start(spec(TestImages.CAT)));
    await(waiting.remove());
    // cat woken by an end of input would exit 0: a call with an empty parameter nobody made.
    assertEquals(List.of("137"), dieExitCodes(waiting.id(), since));
  }

  /** The exit codes of the container's die events since {@code since}. */
  private List<String> dieExitCodes(String id, Instant since) throws InterruptedException {
    List<String> codes = new java.util.concurrent.CopyOnWriteArrayList<>();
    docker
        .eventsCmd()
        .withContainerFilter(id)
        .withEventFilter("die")
        .withSince(Long.toString(since.getEpochSecond()))
        .withUntil(Long.toString(Instant.now().getEpochSecond() + 1))
        .exec(
            new com.github.dockerjava.api.async.ResultCallback.Adapter<
                com.github.dockerjava.api.model.Event>() {
              @Override
              public void onNext(com.github.dockerjava.api.model.Event event) {
                codes.add(event.getActor().getAttributes().get("exitCode"));
              }
            })
        .awaitCompletion();
    return codes;
  }

  @Test
  void aContainerTheEngineHangsOnIsSetAsideAndRemovedOnceTheEngineLetsGo() throws Exception {
    Container stuck = await(runtime.start(spec(TestImages.CAT)));
    long cutBefore = runtime.stats().callsCut();
    long removedBefore = runtime.stats().removedAfterStuck();
    try (Shims shims = new Shims(docker)) {
      shims.stop(stuck.id());

      long before = System.nanoTime();
      ExecutionException killed =
          assertThrows(
              ExecutionException.class,
              () -> stuck.kill().toCompletableFuture().get(DEADLINE.toSeconds() * 3, TimeUnit.SECONDS));
      assertTrue(killed.getCause() instanceof ContainerFailure.EngineUnavailable, killed.toString());
      await(stuck.remove());
      Duration took = Duration.ofNanos(System.nanoTime() - before);
      assertTrue(
          took.compareTo(DEADLINE.multipliedBy(3)) < 0,
          "the kill and the removal each ended at their deadline: " + took.toMillis() + " ms");
      assertEquals(1, runtime.stats().stuck(), "set aside");
      assertTrue(runtime.stats().callsCut() >= cutBefore + 2, "calls cut: " + runtime.stats());

      // Everything else goes on meanwhile.
      for (int i = 0; i < 5; i++) {
        Result result = activate(spec(TestImages.CAT), "meanwhile " + i);
        assertEquals("meanwhile " + i, result.output().out());
      }
      assertEquals(1, runtime.stats().stuck(), "still stuck while its shim is stopped");

      shims.continueAll();
      eventually(Duration.ofSeconds(30), () -> runtime.stats().stuck() == 0);
    }
    assertEngineForgot(stuck.id());
    assertEquals(removedBefore + 1, runtime.stats().removedAfterStuck());
  }

  @Test
  void stuckContainersNeverTakeTheConnectionsOthersNeed() throws Exception {
    int connections = 4;
    try (DockerContainerRuntime small =
            new DockerContainerRuntime(
                settings().withMaxControlConnections(connections),
                Executors.newFixedThreadPool(16));
        Shims shims = new Shims(docker)) {
      List<Container> stuck = new ArrayList<>();
      for (int i = 0; i < connections + 2; i++) {
        Container c = await(small.start(spec(TestImages.CAT)));
        shims.stop(c.id());
        stuck.add(c);
      }
      List<CompletableFuture<Void>> removals = new ArrayList<>();
      for (Container c : stuck) {
        removals.add(c.remove().toCompletableFuture());
      }
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
          .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      assertEquals(stuck.size(), small.stats().stuck());

      // More stuck containers than connections, and a full cycle still runs, again and again.
      for (int i = 0; i < 5; i++) {
        Container c = await(small.start(spec(TestImages.CAT)));
        try {
          assertEquals("ok " + i, collect(c.run(("ok " + i).getBytes())).out());
          assertEquals(0, await(c.exit()).exitCode());
        } finally {
          await(c.remove());
        }
      }

      shims.continueAll();
      eventually(Duration.ofSeconds(30), () -> small.stats().stuck() == 0);
      for (Container c : stuck) {
        assertEngineForgot(c.id());
      }
    }
  }

  /** The engine answers an inspect of {@code id} at once, and the container is gone. */
  private void assertEngineForgot(String id) {
    long before = System.nanoTime();
    assertThrows(NotFoundException.class, () -> docker.inspectContainerCmd(id).exec());
    Duration took = Duration.ofNanos(System.nanoTime() - before);
    assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "inspect took " + took.toMillis() + " ms");
  }
}
