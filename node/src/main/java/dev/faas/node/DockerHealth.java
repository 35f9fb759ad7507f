package dev.faas.node;

import dev.faas.actors.runtime.ContainerRuntime;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Whether the worker's Docker engine answers, refreshed in the background so /readyz reads a
 * flag instead of calling the engine on every probe.
 */
final class DockerHealth {
  private static final Duration PERIOD = Duration.ofSeconds(2);
  private volatile boolean healthy;

  DockerHealth(ContainerRuntime runtime, ActorSystem<?> system) {
    system
        .scheduler()
        .scheduleAtFixedRate(
            Duration.ZERO,
            PERIOD,
            () -> runtime.ping().whenComplete((ok, failure) -> healthy = failure == null),
            system.executionContext());
  }

  boolean isHealthy() {
    return healthy;
  }
}
