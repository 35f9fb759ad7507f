package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.trace.SpanNames;
import dev.faas.actors.trace.TraceSpan;
import dev.faas.actors.trace.Tracing;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The spans of one runner's activation (docs/decisions/0022): {@value SpanNames#PROCESS} from the
 * take to the answer, a child of the API node's publish (the context the message's headers
 * carried), and under it the container's acquisition (warm or cold, with the image pull a cold
 * start waited for), the run, and each write of the record.
 *
 * <p>Used on the runner's thread; spans end in futures' callbacks too, which they allow. With
 * tracing off every span is {@link TraceSpan#NONE}.
 */
final class RunnerTrace {
  private final Tracing tracing;
  private final TraceSpan process;
  private TraceSpan run = TraceSpan.NONE;

  RunnerTrace(Tracing tracing, ActivationRequest request, String workerId) {
    this.tracing = tracing;
    this.process =
        tracing
            .start(SpanNames.PROCESS, TraceSpan.Kind.CONSUMER, request.trace())
            .set(SpanNames.ACTIVATION_ID, request.activationId())
            .set(SpanNames.FUNCTION, request.function().name())
            .set(SpanNames.WORKER, workerId);
    if (request.requestId() != null) {
      process.set(SpanNames.REQUEST_ID, request.requestId());
    }
  }

  /** {@code acquire} in an acquisition span, which ends when the container comes or fails. */
  CompletionStage<ContainerSource.Acquired> acquire(
      Supplier<CompletionStage<ContainerSource.Acquired>> acquire) {
    TraceSpan span = tracing.child(SpanNames.ACQUIRE, process.context());
    CompletionStage<ContainerSource.Acquired> acquiring = acquire.get();
    acquiring.whenComplete(
        (acquired, failure) -> {
          if (failure != null) {
            span.fail(Stages.unwrap(failure).toString());
          } else {
            span.set(SpanNames.START, acquired.warm() ? "warm" : "cold");
            // A pre-started container's pull (if any) was no part of this activation's wait.
            if (!acquired.warm()) {
              acquired
                  .container()
                  .pulled()
                  .ifPresent(
                      pull ->
                          tracing
                              .start(
                                  SpanNames.PULL, TraceSpan.Kind.INTERNAL, span.context(),
                                  pull.from())
                              .set(SpanNames.IMAGE, pull.image())
                              .end(pull.to()));
            }
          }
          span.end();
        });
    return acquiring;
  }

  /** The function's run starts now. */
  void running() {
    run = tracing.child(SpanNames.RUN, process.context());
  }

  /** The activation ended with {@code record} (the run, if there was one, with it). */
  void ended(ActivationRecord record) {
    process.set(SpanNames.STATUS, record.status().name().toLowerCase(Locale.ROOT));
    if (record.failure() != null) {
      run.fail(record.failure().name());
      process.fail(record.failure().name());
    }
    run.end();
  }

  /** One write of the record, the {@code attempt}th, in its own span. */
  <T> CompletionStage<T> recordWrite(int attempt, Supplier<CompletionStage<T>> write) {
    TraceSpan span =
        tracing.child(SpanNames.RECORD_WRITE, process.context()).set(SpanNames.ATTEMPT, attempt);
    CompletionStage<T> writing = write.get();
    writing.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            span.fail(Stages.unwrap(failure).toString());
          }
          span.end();
        });
    return writing;
  }

  /** The activation is answered, or its runner stopped: the process span ends (once). */
  void over() {
    run.end();
    process.end();
  }
}
