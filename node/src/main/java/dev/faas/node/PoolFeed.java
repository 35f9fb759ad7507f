package dev.faas.node;

import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.worker.WorkerActor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Tells a worker's warm pool when a function changes or goes, from the functions' KV watch, so no
 * container of an old shape (or of a re-pushed image tag) is handed out after an update. The first
 * sight of a function only records its revision: a watch delivers every function again after each
 * reconnect, which must not empty every pool.
 */
final class PoolFeed implements ChangeListener<FunctionSpec> {
  private final ActorRef<WorkerActor.Command> worker;
  private final Map<String, Long> revisions = new ConcurrentHashMap<>();

  PoolFeed(ActorRef<WorkerActor.Command> worker) {
    this.worker = worker;
  }

  @Override
  public void put(String key, Versioned<FunctionSpec> entry) {
    Long previous = revisions.put(key, entry.revision());
    if (previous != null && previous < entry.revision()) {
      worker.tell(new WorkerActor.FunctionChanged(entry.value().id()));
    }
  }

  @Override
  public void removed(String key, long revision) {
    if (revisions.remove(key) != null) {
      FunctionId.parse(key)
          .ifPresent(function -> worker.tell(new WorkerActor.FunctionRemoved(function)));
    }
  }

  @Override
  public void caughtUp() {
    // Nothing to do: changes are told as they come.
  }
}
