package dev.faas.actors.activation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The worker's side of the activation transport. */
public interface WorkSource {

  /**
   * Pulls at most {@code max} items, waiting up to {@code wait} for the first. Completes with an
   * empty list when none came. A worker asks only for as many as it has free slots.
   */
  CompletionStage<List<WorkItem>> pull(int max, Duration wait);

  /** Announces this worker as alive (the API nodes count live workers from this). */
  void announce(String workerId, int freeSlots);
}
