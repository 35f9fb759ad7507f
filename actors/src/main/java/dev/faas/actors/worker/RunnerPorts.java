package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.trace.Tracing;
import java.time.Clock;

/**
 * What every runner of a worker shares.
 *
 * @param workerId the worker's id, on records and container labels
 * @param platformName the platform label's value
 * @param containers where containers come from (cold or warm)
 * @param store where records are written
 * @param settings limits and intervals
 * @param clock the clock records are timed with
 * @param tracing where the runners' spans go
 */
public record RunnerPorts(
    String workerId,
    String platformName,
    ContainerSource containers,
    ActivationStore store,
    RunnerSettings settings,
    Clock clock,
    Tracing tracing) {

  /** Ports that trace nothing. */
  public RunnerPorts(
      String workerId,
      String platformName,
      ContainerSource containers,
      ActivationStore store,
      RunnerSettings settings,
      Clock clock) {
    this(workerId, platformName, containers, store, settings, clock, Tracing.OFF);
  }
}
