package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.TraceContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MeteredInvokerTest {

  /** The wrapper sits between the routes and the supervisor: it passes the whole call on. */
  @Test
  void theCallersTraceAndRequestIdReachTheInnerInvoker() {
    AtomicReference<TraceContext> seenTrace = new AtomicReference<>();
    AtomicReference<String> seenRequest = new AtomicReference<>();
    Invoker inner =
        new Invoker() {
          @Override
          public CompletionStage<Outcome> invoke(Invocation call) {
            TraceContext trace = call.trace();
            String requestId = call.requestId();
            seenTrace.set(trace);
            seenRequest.set(requestId);
            return CompletableFuture.completedFuture(
                new Outcome.Unavailable("a1", "test"));
          }
        };
    MeteredInvoker metered =
        new MeteredInvoker(inner, new ActivationMetrics(new SimpleMeterRegistry(), 10));
    TraceContext trace =
        TraceContext.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
    metered
        .invoke(
            new Invoker.Invocation(
                new Versioned<>(Fns.function("img", 1000), 1), new byte[0], null, "r1", trace))
        .toCompletableFuture()
        .join();
    assertEquals(trace, seenTrace.get());
    assertEquals("r1", seenRequest.get());
  }
}
