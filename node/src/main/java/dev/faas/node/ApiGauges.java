package dev.faas.node;

import dev.faas.actors.engine.InFlight;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An API node's activations as gauges: how many it is answering, and how many of its node permits
 * ({@code FAAS_NODE_MAX_IN_FLIGHT}'s bound) they hold. The engine tells the figures on change;
 * the gauges read the last ones.
 */
final class ApiGauges implements InFlight {
  private final AtomicInteger activations = new AtomicInteger();
  private final AtomicInteger permits = new AtomicInteger();

  ApiGauges(MeterRegistry registry) {
    Gauge.builder("faas.api.activations", activations, AtomicInteger::get)
        .description("Synchronous activations this API node is answering now")
        .register(registry);
    Gauge.builder("faas.api.permits", permits, AtomicInteger::get)
        .description("Node permits held by those activations (at most the node's own bound)")
        .register(registry);
  }

  @Override
  public void activations(int count) {
    activations.set(count);
  }

  @Override
  public void permits(int count) {
    permits.set(count);
  }
}
