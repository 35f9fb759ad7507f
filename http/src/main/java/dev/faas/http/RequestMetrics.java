package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Times every request into {@value #TIMER} (Prometheus: {@code http_server_requests_seconds}),
 * tagged with the method, the route template (never the raw path, whose names would make one series
 * per function) and the status, with histogram buckets for latency quantiles.
 */
public final class RequestMetrics {
  /** The timer's name; Prometheus renders it {@code http_server_requests_seconds_*}. */
  public static final String TIMER = "http.server.requests";

  private final MeterRegistry registry;
  private final Function<String, String> templateOf;

  /**
   * @param registry where the timers go
   * @param templateOf the route template a raw request path is served under
   */
  RequestMetrics(MeterRegistry registry, Function<String, String> templateOf) {
    this.registry = registry;
    this.templateOf = templateOf;
  }

  /** {@code inner}, timed; {@code inner} must always complete (sealed), or nothing is recorded. */
  Route instrument(Route inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          String method = request.method().name();
          String route = templateOf.apply(request.getUri().getPathString());
          return mapResponse(
              response -> {
                Timer.builder(TIMER)
                    .description("HTTP requests served, by route template")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", Integer.toString(response.status().intValue()))
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return response;
              },
              () -> inner);
        });
  }

  /**
   * Binds the usual JVM and process meters (memory, GC, threads, class loading, CPU, uptime) to
   * {@code registry}; for the node to call once at startup.
   */
  public static void bindJvmMetrics(MeterRegistry registry) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    // JvmGcMetrics holds notification listeners for the life of the process, as the node does.
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }
}
