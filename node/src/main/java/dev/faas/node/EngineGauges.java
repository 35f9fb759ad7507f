package dev.faas.node;

import dev.faas.docker.DockerContainerRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The worker's engine as metrics: what its runtime holds, sets aside, cuts short, pulls and
 * removes from its image store.
 */
final class EngineGauges {
  private EngineGauges() {}

  static void register(MeterRegistry registry, DockerContainerRuntime runtime, EngineHealth health) {
    Gauge.builder("faas.engine.up", health, h -> h.canStart() ? 1 : 0)
        .description("1 while the engine's last check started a container, else 0")
        .register(registry);
    gauge(registry, runtime, "faas.engine.containers",
        "Containers the worker created and has not removed yet", s -> s.containers());
    gauge(registry, runtime, "faas.engine.containers.stuck",
        "Containers the engine did not remove in time, being removed in the background",
        s -> s.stuck());
    counter(registry, runtime, "faas.engine.containers.set.aside",
        "Containers set aside because the engine did not remove them in time", s -> s.setAsideTotal());
    counter(registry, runtime, "faas.engine.containers.removed.after.stuck",
        "Set-aside containers removed by a later attempt", s -> s.removedAfterStuck());
    counter(registry, runtime, "faas.engine.calls.cut",
        "Engine calls cut at their deadline", s -> s.callsCut());
    counter(registry, runtime, "faas.engine.pulls.started",
        "Pulls of images a start found missing (starts that joined a pull under way not counted)",
        s -> s.pullsStarted());
    counter(registry, runtime, "faas.engine.pulls.succeeded",
        "Pulls that ended with the image on the engine", s -> s.pullsSucceeded());
    counter(registry, runtime, "faas.engine.pulls.failed",
        "Pulls that failed: the starts waiting for them failed as image not found",
        s -> s.pullsFailed());
    gauge(registry, runtime, "faas.engine.pulls.in.flight",
        "Image pulls under way now (one per image, however many starts wait for it)",
        s -> s.pullsInFlight());
    gauge(registry, runtime, "faas.engine.images.bytes",
        "The engine's images' total size at the image janitor's last look (shared layers counted"
            + " in each image)",
        s -> s.imagesBytes());
    counter(registry, runtime, "faas.engine.images.removed",
        "Images the image janitor removed: unreferenced past their grace, or over the cache size",
        s -> s.imagesRemoved());
  }

  private static void gauge(
      MeterRegistry registry,
      DockerContainerRuntime runtime,
      String name,
      String help,
      ToDoubleFunction<DockerContainerRuntime.EngineStats> figure) {
    Gauge.builder(name, runtime, r -> figure.applyAsDouble(r.stats()))
        .description(help)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      DockerContainerRuntime runtime,
      String name,
      String help,
      ToDoubleFunction<DockerContainerRuntime.EngineStats> figure) {
    FunctionCounter.builder(name, runtime, r -> figure.applyAsDouble(r.stats()))
        .description(help)
        .register(registry);
  }
}
