package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a worker removes from its engine besides its activations' containers: at start, the
 * containers no live worker holds (its own previous run's, and those of workers whose lease
 * ended); the same after an engine outage; and every {@code sweepInterval}, also whatever platform
 * container is older than {@code sweepAge}. Each removal's count comes back as {@link Removed}.
 */
final class Housekeeping {

  /** Why containers are removed. */
  enum Why {
    START("containers of its previous run", "its leftovers"),
    OUTAGE("containers the outage left", "what the outage left"),
    SWEEP("stale containers", "what the sweep found");

    private final String removed;
    private final String failed;

    Why(String removed, String failed) {
      this.removed = removed;
      this.failed = failed;
    }
  }

  record Removed(Why why, Integer count, Throwable failure) implements WorkerActor.Command {}

  private final ActorContext<WorkerActor.Command> context;
  private final ContainerRuntime runtime;
  private final WorkerSettings settings;

  Housekeeping(
      ActorContext<WorkerActor.Command> context,
      ContainerRuntime runtime,
      WorkerSettings settings) {
    this.context = context;
    this.runtime = runtime;
    this.settings = settings;
  }

  /** Removes the containers no live worker holds. */
  void removeOrphans(Why why) {
    pipe(why, Stages.attempt(() -> runtime.removeOrphans(settings.workerId())));
  }

  /**
   * Removes what no live worker holds (among it, what a killed worker left on this engine) and
   * whatever is older than any activation can last.
   */
  void sweep() {
    Map<String, String> platform = Map.of(ContainerSpec.PLATFORM_LABEL, settings.platformName());
    pipe(
        Why.SWEEP,
        Stages.attempt(() -> runtime.removeOrphans(settings.workerId()))
            .thenCombine(
                Stages.attempt(() -> runtime.removeOlderThan(platform, settings.sweepAge())),
                Integer::sum));
  }

  private void pipe(Why why, CompletionStage<Integer> removal) {
    context.pipeToSelf(removal, (count, failure) -> new Removed(why, count, failure));
  }

  /** Logs what a removal came to. */
  void log(Removed removed) {
    if (removed.failure() != null) {
      context.getLog().warn("Worker [{}] could not remove {}: [{}]", settings.workerId(),
          removed.why().failed, removed.failure().toString());
    } else if (removed.count() > 0) {
      context.getLog().info("Worker [{}] removed [{}] {}", settings.workerId(), removed.count(),
          removed.why().removed);
    }
  }
}
