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

  /** The wrapper sits between the routes and the supervisor: it must pass on all it is given. */
  @Test
  void theCallersTraceAndRequestIdReachTheInnerInvoker() {
    AtomicReference<TraceContext> seenTrace = new AtomicReference<>();
    AtomicReference<String> seenRequest = new AtomicReference<>();
    Invoker inner =
        new Invoker() {
          @Override
          public CompletionStage<Outcome> invoke(Versioned<FunctionSpec> function, byte[] input) {
            throw new AssertionError("the full overload is the one to call");
          }

          @Override
          public CompletionStage<Outcome> invoke(
              Versioned<FunctionSpec> function,
              byte[] input,
              String startedBy,
              String requestId,
              TraceContext trace) {
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
        .invoke(new Versioned<>(Fns.function("img", 1000), 1), new byte[0], null, "r1", trace)
        .toCompletableFuture()
        .join();
    assertEquals(trace, seenTrace.get());
    assertEquals("r1", seenRequest.get());
  }
}
