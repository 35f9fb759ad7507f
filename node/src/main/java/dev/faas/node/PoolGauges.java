package dev.faas.node;

import dev.faas.actors.warm.PoolListener;
import dev.faas.actors.warm.PoolStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/** The warm pool's figures as metrics: the pool tells its stats, gauges read the latest. */
final class PoolGauges implements PoolListener {
  private final AtomicReference<PoolStats> latest = new AtomicReference<>();

  PoolGauges(MeterRegistry registry) {
    gauge(registry, "faas.pool.containers", "idle", "Pre-started containers waiting", s -> s.idle());
    gauge(registry, "faas.pool.containers", "starting", "Containers being pre-started", s -> s.starting());
    gauge(registry, "faas.pool.containers", "busy", "Activations running in containers from the pool", s -> s.busy());
    counter(registry, "faas.pool.handed.out", "Activations that got a pre-started container", s -> s.counts().handedOut());
    counter(registry, "faas.pool.missed", "Activations that found no pre-started container", s -> s.counts().missed());
    counter(registry, "faas.pool.started", "Containers pre-started", s -> s.counts().started());
    counter(registry, "faas.pool.replaced.after.death", "Idle containers that died and were replaced", s -> s.counts().replacedAfterDeath());
  }

  @Override
  public void changed(PoolStats stats) {
    latest.set(stats);
  }

  private double read(ToDoubleFunction<PoolStats> figure) {
    PoolStats stats = latest.get();
    return stats == null ? 0 : figure.applyAsDouble(stats);
  }

  private void gauge(
      MeterRegistry registry, String name, String state, String help, ToDoubleFunction<PoolStats> f) {
    Gauge.builder(name, this, g -> g.read(f)).tag("state", state).description(help).register(registry);
  }

  private void counter(
      MeterRegistry registry, String name, String help, ToDoubleFunction<PoolStats> f) {
    FunctionCounter.builder(name, this, g -> g.read(f)).description(help).register(registry);
  }
}
