package dev.faas.node;

import dev.faas.actors.activation.AsyncBacklog;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.engine.AsyncSteps;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.http.AsyncInvoker;
import dev.faas.http.Invoker;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.Optional;

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
  private final Function<String, Optional<String>> callbackRefusal;

  /**
   * @param wake told after each submission: this node's dispatcher looks at once
   * @param callbackRefusal why the platform would not post a callback to a URL (its address),
   *     empty when it would; blocking (it resolves the host)
   */
  AsyncSubmissions(
      AsyncBacklog backlog,
      AsyncConfig config,
      Executor blocking,
      Clock clock,
      Runnable wake,
      Function<String, Optional<String>> callbackRefusal) {
    this.backlog = backlog;
    this.config = config;
    this.blocking = blocking;
    this.clock = clock;
    this.wake = wake;
    this.callbackRefusal = callbackRefusal;
  }

  @Override
  public CompletionStage<String> submit(Submission submission) {
    return CompletableFuture.supplyAsync(() -> submitNow(submission), blocking);
  }

  private String submitNow(Submission submission) {
    Invoker.Invocation call = submission.call();
    FunctionSpec function = call.function().value();
    String key = submission.idempotencyKey();
    if (submission.callbackUrl() != null) {
      // Checked before the 202 as well as at each delivery: a callback the platform would never
      // post is the caller's mistake, told now rather than found in the record later.
      Optional<String> refused = callbackRefusal.apply(submission.callbackUrl());
      if (refused.isPresent()) {
        throw new CallbackRefused(refused.get());
      }
    }
    String id = ActivationSupervisor.newActivationId();
    if (key != null) {
      String first = backlog.remember(function.owner(), key, id);
      if (!first.equals(id)) {
        return first; // the same key within 24 h: the first call's activation
      }
    }
    AsyncRequest request =
        new AsyncRequest(
            id, function.owner(), function.name(), call.input(), call.startedBy(),
            call.requestId(), clock.instant(), submission.callbackUrl(), call.trace());
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
