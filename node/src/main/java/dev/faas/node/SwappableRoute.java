package dev.faas.node;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequestContext;

import dev.faas.http.HttpApi;
import dev.faas.http.Problem;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The route the node binds at once, before it can build the whole API: operations answer from
 * the first second (so an orchestrator sees a live process that is not ready yet) and everything
 * else is 503 until {@link #swap} installs the real API.
 */
final class SwappableRoute {
  private final Supplier<Map<String, Boolean>> readiness;
  private final AtomicReference<Route> current = new AtomicReference<>();

  SwappableRoute(Supplier<Map<String, Boolean>> readiness) {
    this.readiness = readiness;
  }

  /** The operations endpoints, answering {@code otherwise} for any other path. */
  private Route operations(PrometheusMeterRegistry registry, Problem otherwise) {
    return HttpApi.operationsRoute(readiness, registry, otherwise);
  }

  Route starting(PrometheusMeterRegistry registry) {
    return operations(
        registry,
        Problem.of(StatusCodes.SERVICE_UNAVAILABLE, "the node is starting; try again shortly")
            .withHeader("Retry-After", "1"));
  }

  Route operationsOnly(PrometheusMeterRegistry registry) {
    return operations(
        registry, Problem.of(StatusCodes.NOT_FOUND, "this node serves no API (roles: worker)"));
  }

  void swap(Route route) {
    current.set(route);
  }

  /** The route to bind: it reads the current route on every request. */
  Route route() {
    return extractRequestContext(context -> current.get());
  }
}
