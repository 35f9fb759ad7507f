package dev.faas.node;

import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.store.WatchedCache;
import dev.faas.http.ActivationMetrics;
import dev.faas.http.AsyncInvoker;
import dev.faas.nats.NatsAsyncBacklog;
import dev.faas.nats.NatsBridge;
import dev.faas.nats.NatsCallbackQueue;
import dev.faas.node.callback.CallbackAddresses;
import dev.faas.node.callback.CallbackPoster;
import dev.faas.node.callback.CallbackSignature;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * An API node's asynchronous activations, assembled: the backlog and its dispatcher
 * (docs/decisions/0020), the submissions the invoke route hands {@code Prefer: respond-async}
 * calls to, and the completion callbacks' queue, secrets and sender (docs/decisions/0026).
 * Built with the node; {@link #start} once the API is served.
 */
final class AsyncPart implements AutoCloseable {
  private final AsyncDispatcher dispatcher;
  private final AsyncSubmissions submissions;
  private final CallbackSender callbacks;
  private final CallbackSecretStore secrets;
  private final CallbackPoster poster;

  private AsyncPart(
      AsyncDispatcher dispatcher,
      AsyncSubmissions submissions,
      CallbackSender callbacks,
      CallbackSecretStore secrets,
      CallbackPoster poster) {
    this.dispatcher = dispatcher;
    this.submissions = submissions;
    this.callbacks = callbacks;
    this.secrets = secrets;
    this.poster = poster;
  }

  /**
   * @throws IllegalArgumentException when {@code FAAS_CALLBACK_ALLOW} is malformed
   */
  static AsyncPart assemble(
      ActorSystem<?> system,
      NodeConfig config,
      NatsBridge nats,
      WatchedCache<FunctionSpec> functions,
      SupervisorInvoker invoker,
      ActivationMetrics metrics,
      MeterRegistry registry,
      Executor blocking) {
    AsyncConfig async = config.async();
    Clock clock = Clock.systemUTC();
    CallbackAddresses addresses = CallbackAddresses.parse(async.callback().allow());
    NatsAsyncBacklog backlog = nats.asyncBacklog(async.backlog(), async.backlogPerUser());
    NatsCallbackQueue queue = nats.callbackQueue(async.callback().queue());
    SecureRandom random = new SecureRandom();
    CallbackSecretStore secrets =
        nats.callbackSecrets(() -> CallbackSignature.newSecret(random), clock);
    CallbackPoster poster =
        new CallbackPoster(system, addresses, blocking, async.callback().timeout());
    AsyncDispatcher dispatcher =
        new AsyncDispatcher(
            backlog,
            queue,
            (owner, name) -> function(nats, functions, owner, name, config.natsRequestTimeout()),
            attempts(invoker, metrics),
            async,
            config.nodeId(),
            clock,
            new AsyncGauges(registry));
    AsyncSubmissions submissions =
        new AsyncSubmissions(
            backlog, async, blocking, clock, dispatcher::wake,
            url -> poster.refusal(URI.create(url)));
    CallbackSender sender =
        new CallbackSender(
            queue, backlog, secrets, poster::post, async.callback(), clock, registry);
    return new AsyncPart(dispatcher, submissions, sender, secrets, poster);
  }

  AsyncInvoker submissions() {
    return submissions;
  }

  CallbackSecretStore callbackSecrets() {
    return secrets;
  }

  void start() {
    dispatcher.start();
    callbacks.start();
  }

  /**
   * An attempt of an asynchronous activation: the synchronous path under the attempt's id,
   * counted like a synchronous call's answer (a limit's refusal is no attempt: not counted).
   */
  private static AsyncDispatcher.Attempts attempts(
      SupervisorInvoker invoker, ActivationMetrics metrics) {
    return new AsyncDispatcher.Attempts() {
      @Override
      public CompletionStage<Outcome> run(String attemptId, dev.faas.http.Invoker.Invocation call) {
        long start = System.nanoTime();
        FunctionSpec spec = call.function().value();
        return invoker
            .invokeAs(attemptId, call)
            .thenApply(
                outcome -> {
                  if (!(outcome instanceof Outcome.Rejected)) {
                    try {
                      metrics.answered(spec.owner(), spec.name(), outcome,
                          Duration.ofNanos(System.nanoTime() - start));
                    } catch (RuntimeException e) {
                      // A metric is never worth an outcome.
                    }
                  }
                  return outcome;
                });
      }

      @Override
      public Duration budget(int timeoutMs) {
        return invoker.budget(timeoutMs);
      }
    };
  }

  /** A function from the node's cache, read through the store on a miss (bounded). */
  private static Optional<Versioned<FunctionSpec>> function(
      NatsBridge nats,
      WatchedCache<FunctionSpec> cache,
      String owner,
      String name,
      Duration timeout) {
    String key = new FunctionId(owner, name).key();
    Optional<Versioned<FunctionSpec>> cached = cache.get(key);
    if (cached.isPresent() || cache.isRemoved(key)) {
      return cached;
    }
    try {
      return nats.functions()
          .get(owner, name)
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("the function could not be read: " + e, e);
    }
  }

  @Override
  public void close() {
    callbacks.close();
    dispatcher.close();
    poster.close();
  }
}
