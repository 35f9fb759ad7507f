package dev.faas.node;

import dev.faas.nats.NatsBridge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A worker's dropped live logs in {@code /metrics} (docs/decisions/0023): the same counter as an
 * API node's ({@code LiveLogRoutes}), with {@code side="worker"}.
 */
final class LiveLogMetrics {
  private LiveLogMetrics() {}

  static void registerWorker(MeterRegistry registry, NatsBridge nats) {
    FunctionCounter.builder(
            "faas.live.log.dropped.bytes", nats, NatsBridge::liveLogDroppedBytes)
        .description("Bytes of live logs dropped: side=api for a follower too slow to read"
            + " them, side=worker when the worker's bounded queue or NATS refused them")
        .tag("side", "worker")
        .register(registry);
  }
}
