package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.runtime.ContainerFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ContainerHandoffTest {
  private final FakeRuntime runtime = new FakeRuntime();
  private final FakeRuntime.FakeContainer container = runtime.leftover(Map.of());
  private final ContainerHandoff handoff = new ContainerHandoff();
  private final List<ContainerSource.Acquired> ready = new CopyOnWriteArrayList<>();
  private final List<Throwable> failed = new CopyOnWriteArrayList<>();

  private void deliver(CompletableFuture<ContainerSource.Acquired> acquiring) {
    handoff.deliver(acquiring, ready::add, failed::add, "act0000001");
  }

  @Test
  void aContainerThatComesInTimeGoesToTheRunner() {
    CompletableFuture<ContainerSource.Acquired> acquiring = new CompletableFuture<>();
    deliver(acquiring);
    ContainerSource.Acquired acquired = new ContainerSource.Acquired(container, true);
    acquiring.complete(acquired);
    assertEquals(List.of(acquired), ready);
    assertTrue(failed.isEmpty());
    assertEquals(0, container.removes());
    // The runner's stop hands it back, to be removed unless its removal is under way.
    assertSame(container, handoff.close());
  }

  @Test
  void aContainerThatComesAfterTheRunnerStoppedIsRemovedHere() {
    CompletableFuture<ContainerSource.Acquired> acquiring = new CompletableFuture<>();
    deliver(acquiring);
    assertNull(handoff.close(), "nothing offered yet");
    acquiring.complete(new ContainerSource.Acquired(container, false));
    assertTrue(ready.isEmpty());
    assertTrue(failed.isEmpty());
    assertEquals(1, container.removes());
  }

  @Test
  void aFailedAcquireIsReportedWithItsCause() {
    ContainerFailure.ImageNotFound cause = new ContainerFailure.ImageNotFound("img", null);
    deliver(CompletableFuture.failedFuture(cause));
    assertEquals(List.of(cause), failed);
    assertTrue(ready.isEmpty());
  }

  @Test
  void aNullResultIsAFailureNotAContainer() {
    deliver(CompletableFuture.completedFuture(null));
    assertEquals(1, failed.size());
    assertInstanceOf(NullPointerException.class, failed.get(0));
    assertTrue(ready.isEmpty());
    assertNull(handoff.close());
  }
}
