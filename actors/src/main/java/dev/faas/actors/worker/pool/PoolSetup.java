package dev.faas.actors.worker.pool;

import dev.faas.actors.warm.PoolSettings;
import java.time.Duration;

/**
 * What one worker's pool needs to know of its worker, besides its own {@link PoolSettings}: the
 * labels of its containers, how many activations run at once, and what bounds a container's life.
 *
 * @param workerId the worker's id, on every pooled container's worker label
 * @param platformName the platform's label value
 * @param slots the worker's slots: holding more for one key than can run at once is waste
 * @param sweepAge the worker's sweep removes any platform container older than this
 * @param runTail how long a runner may still hold a container after its function's timeout: the
 *     kill's grace and the removal
 * @param settings the pool's sizing, ages and pacing
 */
public record PoolSetup(
    String workerId,
    String platformName,
    int slots,
    Duration sweepAge,
    Duration runTail,
    PoolSettings settings) {

  /** What bounds every key's target. */
  public PoolSizing.Bounds bounds() {
    return PoolSizing.Bounds.of(settings, slots);
  }
}
