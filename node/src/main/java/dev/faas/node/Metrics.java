package dev.faas.node;

import dev.faas.http.ActivationMetrics;
import dev.faas.http.RequestMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.stream.Collectors;

/** The node's one metrics registry, scraped at /metrics. */
final class Metrics {
  private Metrics() {}

  static PrometheusMeterRegistry prometheusRegistry(NodeConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .commonTags(
            "node", config.nodeName(),
            "roles",
                config.roles().stream().map(r -> r.name().toLowerCase()).collect(Collectors.joining(",")));
    RequestMetrics.bindJvmMetrics(registry);
    return registry;
  }

  /**
   * The node's per-function activation metrics in {@code registry}, shared by its API part (what
   * callers got) and its worker part (where a run's time went), under one cap.
   */
  static ActivationMetrics activations(PrometheusMeterRegistry registry, NodeConfig config) {
    return new ActivationMetrics(registry, config.metricsMaxFunctions());
  }
}
