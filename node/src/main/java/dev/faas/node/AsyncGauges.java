package dev.faas.node;

import dev.faas.actors.activation.ActivationStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asynchronous activations in the node's registry: the backlog by state and the age of its oldest
 * waiting activation, as the dispatching node sees them (others show 0), and the retries and
 * final statuses this node decided.
 */
final class AsyncGauges {
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private final AtomicLong oldestMs = new AtomicLong();
  private final AtomicLong dispatching = new AtomicLong();
  private final Counter platformRetries;
  private final Counter functionRetries;
  private final MeterRegistry registry;

  AsyncGauges(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("faas.async.backlog", queued, AtomicLong::get)
        .tag("state", "queued")
        .description("Asynchronous activations waiting (on the dispatching node; 0 elsewhere)")
        .register(registry);
    Gauge.builder("faas.async.backlog", running, AtomicLong::get)
        .tag("state", "running")
        .description("Asynchronous activations running (on the dispatching node; 0 elsewhere)")
        .register(registry);
    Gauge.builder("faas.async.oldest.age.seconds", oldestMs, v -> v.get() / 1000.0)
        .description("Age of the oldest waiting asynchronous activation (dispatching node)")
        .register(registry);
    Gauge.builder("faas.async.dispatching", dispatching, AtomicLong::get)
        .description("1 on the API node that holds the dispatcher's lease")
        .register(registry);
    platformRetries =
        Counter.builder("faas.async.retries")
            .tag("fault", "platform")
            .description("Attempts of asynchronous activations retried")
            .register(registry);
    functionRetries =
        Counter.builder("faas.async.retries").tag("fault", "function").register(registry);
  }

  void backlog(long waiting, long runningNow) {
    dispatching.set(1);
    queued.set(Math.max(0, waiting));
    running.set(runningNow);
  }

  void oldest(Instant oldest, Instant now) {
    oldestMs.set(oldest == null ? 0 : Math.max(0, now.toEpochMilli() - oldest.toEpochMilli()));
  }

  void notDispatching() {
    dispatching.set(0);
    queued.set(0);
    running.set(0);
    oldestMs.set(0);
  }

  void retried(boolean platform) {
    (platform ? platformRetries : functionRetries).increment();
  }

  void finished(ActivationStatus status) {
    Counter.builder("faas.async.finished")
        .tag("status", status.name().toLowerCase(Locale.ROOT))
        .description("Asynchronous activations that reached a final status here")
        .register(registry)
        .increment();
  }
}
