package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.TraceContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/** An invoker whose outcome the test decides; it records every call it got. */
final class FakeInvoker implements Invoker {
  record Call(Versioned<FunctionSpec> function, byte[] input) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile BiFunction<Versioned<FunctionSpec>, byte[], Outcome> answer =
      (fn, input) -> new Outcome.Succeeded(record(fn.value(), "act00000001", input));

  void answer(BiFunction<Versioned<FunctionSpec>, byte[], Outcome> answer) {
    this.answer = answer;
  }

  /** The request id of every call that came with one, in order. */
  final List<String> requestIds = new CopyOnWriteArrayList<>();

  /** The trace context of every call, in order. */
  final List<TraceContext> traces = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Outcome> invoke(Invocation call) {
    traces.add(call.trace());
    if (call.requestId() != null) {
      requestIds.add(call.requestId());
    }
    calls.add(new Call(call.function(), call.input()));
    return CompletableFuture.completedFuture(answer.apply(call.function(), call.input()));
  }

  /** A successful record whose stdout is {@code stdout}. */
  static ActivationRecord record(FunctionSpec fn, String id, byte[] stdout) {
    return new ActivationRecord(
        id,
        fn.owner(),
        fn.name(),
        ActivationStatus.SUCCESS,
        null,
        0,
        stdout,
        "a log line\n",
        false,
        Instant.parse("2025-01-01T00:00:01Z"),
        42,
        "worker-1",
        true,
        3,
        1,
        38,
        7L,
        false);
  }
}
