package dev.faas.actors.activation;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** The worker's side of the activation transport. */
public interface WorkSource {

  /**
   * Pulls at most {@code max} items, waiting up to {@code wait} for the first. Completes with an
   * empty list when none came. A worker asks only for as many as it has free slots.
   */
  CompletionStage<List<WorkItem>> pull(int max, Duration wait);

  /**
   * Announces this worker as alive (the API nodes count live workers from this), with the
   * functions ({@code owner.name}) it holds pre-started containers for: API nodes route those
   * functions' activations to it (docs/decisions/0005).
   */
  void announce(String workerId, int freeSlots, Set<String> warmFunctions);

  /**
   * True when API nodes can route activations to this worker (it has a consumer of its own):
   * {@link #pullRouted} then works.
   */
  boolean routes();

  /**
   * Pulls at most {@code max} of the items routed to this worker alone, waiting up to {@code wait}
   * for the first; called only when {@link #routes()}.
   */
  CompletionStage<List<WorkItem>> pullRouted(int max, Duration wait);
}
