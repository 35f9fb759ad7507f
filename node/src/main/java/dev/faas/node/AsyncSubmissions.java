package dev.faas.node;

import dev.faas.actors.activation.AsyncBacklog;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.engine.AsyncSteps;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.http.AsyncInvoker;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The API node's {@link AsyncInvoker}: the idempotency key, then the backlog (whose bounds are
 * the {@code 429}s), then the record, {@code queued}; only then does the caller get its {@code
 * 202} (docs/decisions/0020). Runs on the blocking executor.
 */
final class AsyncSubmissions implements AsyncInvoker {
  private final AsyncBacklog backlog;
  private final AsyncConfig config;
  private final Executor blocking;
  private final Clock clock;
  private final Runnable wake;

  /** @param wake told after each submission: this node's dispatcher looks at once */
  AsyncSubmissions(
      AsyncBacklog backlog, AsyncConfig config, Executor blocking, Clock clock, Runnable wake) {
    this.backlog = backlog;
    this.config = config;
    this.blocking = blocking;
    this.clock = clock;
    this.wake = wake;
  }

  @Override
  public CompletionStage<String> submit(
      Versioned<FunctionSpec> function,
      byte[] input,
      String startedBy,
      String requestId,
      String idempotencyKey) {
    return CompletableFuture.supplyAsync(
        () -> submitNow(function.value(), input, startedBy, requestId, idempotencyKey), blocking);
  }

  private String submitNow(
      FunctionSpec function, byte[] input, String startedBy, String requestId, String key) {
    String id = ActivationSupervisor.newActivationId();
    if (key != null) {
      String first = backlog.remember(function.owner(), key, id);
      if (!first.equals(id)) {
        return first; // the same key within 24 h: the first call's activation
      }
    }
    AsyncRequest request =
        new AsyncRequest(
            id, function.owner(), function.name(), input, startedBy, requestId, clock.instant());
    long sequence;
    try {
      sequence = backlog.enqueue(request);
    } catch (RuntimeException e) {
      if (key != null) {
        backlog.forget(function.owner(), key);
      }
      throw e;
    }
    try {
      backlog.create(AsyncSteps.queued(request, config.retries(), function.retries()));
    } catch (RuntimeException e) {
      // No 202 without its record: the message goes, unless a dispatcher made the record first.
      if (!(e instanceof AsyncBacklog.Conflict)) {
        try {
          backlog.remove(sequence);
        } catch (RuntimeException ignored) {
          // A dispatcher makes the record from the message after a while, and runs it.
        }
        if (key != null) {
          backlog.forget(function.owner(), key);
        }
        throw e;
      }
    }
    wake.run();
    return id;
  }
}
