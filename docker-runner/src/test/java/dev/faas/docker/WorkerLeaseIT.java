package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Two workers on one engine: a killed worker's containers are removed by the other as soon as its
 * lease ends, a live worker's never are.
 */
class WorkerLeaseIT extends DockerFixture {

  private List<String> containersOf(String worker) {
    return platformContainers().stream()
        .filter(c -> worker.equals(c.getLabels().get(ContainerSpec.WORKER_LABEL)))
        .map(com.github.dockerjava.api.model.Container::getId)
        .toList();
  }

  @Test
  void aDeadWorkersContainersAreRemovedByTheNextWorkerALiveOnesNever() throws Exception {
    DockerContainerRuntime a = new DockerContainerRuntime(settings(), Executors.newFixedThreadPool(4));
    await(a.removeOrphans("worker-a"));
    ContainerSpec base = spec(TestImages.CAT);
    Map<String, String> labels = new java.util.HashMap<>(base.labels());
    labels.put(ContainerSpec.WORKER_LABEL, "worker-a");
    Container running =
        await(
            a.start(
                new ContainerSpec(base.image(), base.args(), base.env(), base.memoryBytes(),
                    base.nanoCpus(), base.pidsLimit(), base.network(), base.tmpfsBytes(),
                    labels)));
    assertEquals(2, containersOf("worker-a").size(), "its lease and its container");

    // Another worker on the same engine leaves a live worker's containers alone.
    assertEquals(0, (int) await(runtime.removeOrphans("worker-b")));
    assertTrue(containersOf("worker-a").contains(running.id()));

    // Worker a dies: its connections drop, its lease ends; its container runs on, nobody's.
    a.crash();
    eventually(PATIENCE, () -> leaseEnded("worker-a"));
    assertTrue(containersOf("worker-a").contains(running.id()), "still there, running");

    int removed = await(runtime.removeOrphans("worker-b"));
    assertEquals(2, removed, "the dead worker's container and its lease");
    a.close();
    assertEquals(List.of(), containersOf("worker-a"));
    // @AfterEach: worker b's own lease is this fixture's to remove; nothing else is left.
  }

  private boolean leaseEnded(String worker) {
    return platformContainers().stream()
        .filter(c -> worker.equals(c.getLabels().get(ContainerSpec.WORKER_LABEL)))
        .filter(c -> WorkerLease.ROLE.equals(c.getLabels().get(EngineProbe.ROLE_LABEL)))
        .noneMatch(c -> "running".equals(c.getState()));
  }

  @Override
  void nothingLeftBehind() {
    // Worker b's lease lives as long as its runtime: it ends with it, then goes.
    platformContainers().stream()
        .filter(c -> WorkerLease.ROLE.equals(c.getLabels().get(EngineProbe.ROLE_LABEL)))
        .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
    super.nothingLeftBehind();
  }
}
