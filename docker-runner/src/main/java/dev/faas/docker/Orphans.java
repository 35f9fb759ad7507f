package dev.faas.docker;

import com.github.dockerjava.api.model.Container;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a platform's containers no live worker holds, from one listing of them: pure, so the
 * rules are tested apart from an engine.
 *
 * <ul>
 *   <li>A container of no worker (the probe's, faas-init's writer) is nobody's to judge here: the
 *       sweep by age takes it.
 *   <li>This worker's own are orphans when they were made before its runtime started (its previous
 *       run's) and its runtime does not use them (the caller knows which). Those made since are
 *       all in the runtime's hands (used, or set aside), and one created a moment ago may not be
 *       marked used yet.
 *   <li>Another worker's are orphans when that worker's lease exists and is not running: the
 *       worker's process is gone. A worker without a lease (an older version, or an engine it
 *       could not take one on) is not judged either.
 * </ul>
 */
final class Orphans {
  private Orphans() {}

  /** The other workers whose lease is in {@code found} and has ended. */
  static Set<String> deadWorkers(List<Container> found, String self) {
    Map<String, Boolean> leaseRunning = new HashMap<>();
    for (Container c : found) {
      Map<String, String> labels = labels(c);
      String worker = labels.get(ContainerSpec.WORKER_LABEL);
      if (worker != null
          && !worker.equals(self)
          && WorkerLease.ROLE.equals(labels.get(EngineProbe.ROLE_LABEL))) {
        leaseRunning.merge(worker, "running".equals(c.getState()), Boolean::logicalOr);
      }
    }
    Set<String> dead = new TreeSet<>();
    leaseRunning.forEach((worker, running) -> {
      if (!running) {
        dead.add(worker);
      }
    });
    return dead;
  }

  /**
   * True when {@code c} belongs to a worker in {@code dead}, or to this worker ({@code self}) and
   * was created before {@code selfStarted} (the caller excludes what its runtime uses).
   */
  static boolean isOrphan(Container c, String self, Set<String> dead, Instant selfStarted) {
    String worker = labels(c).get(ContainerSpec.WORKER_LABEL);
    if (worker == null) {
      return false;
    }
    if (worker.equals(self)) {
      // The engine dates containers in whole seconds: one of this very second is not judged.
      return c.getCreated() != null && c.getCreated() < selfStarted.getEpochSecond();
    }
    return dead.contains(worker);
  }

  private static Map<String, String> labels(Container c) {
    return c.getLabels() == null ? Map.of() : c.getLabels();
  }
}
