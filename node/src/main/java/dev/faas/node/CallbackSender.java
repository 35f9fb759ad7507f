package dev.faas.node;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.AsyncBacklog;
import dev.faas.actors.activation.CallbackQueue;
import dev.faas.actors.activation.CallbackStatus;
import dev.faas.actors.engine.CallbackSteps;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.http.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers completion callbacks (docs/decisions/0026) on an API node: takes tasks from the
 * {@link CallbackQueue} (every API node does; each task goes to one at a time), POSTs the final
 * record signed with its owner's secrets, writes how it went into the record's {@code
 * async.callback} (compare-and-set), and either lets the task go or has it handed out again after
 * its backoff. Delivery is at least once: a receiver tells repeats by {@code webhook-id} (the
 * activation id).
 *
 * <p>Everything runs on the sender's own threads: one that takes, at most {@link #CONCURRENCY}
 * that deliver (blocking NATS calls, each bounded by the request timeout, and the POST, bounded by
 * the callback timeout).
 */
final class CallbackSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);
  static final int CONCURRENCY = 16;
  private static final Duration TAKE_WAIT = Duration.ofSeconds(5);
  private static final Duration STORE_WAIT = Duration.ofSeconds(10);
  /** A delivery that could not even be attempted (the store away) is tried again this soon. */
  private static final Duration NOT_ATTEMPTED = Duration.ofSeconds(5);
  private static final int WRITE_ROUNDS = 3;

  /** One POST of a callback; never completes exceptionally. */
  @FunctionalInterface
  interface Post {
    CompletionStage<CallbackSteps.Result> post(
        URI url, String webhookId, Instant at, byte[] body, List<String> secrets);
  }

  private final CallbackQueue queue;
  private final AsyncBacklog records;
  private final CallbackSecretStore secrets;
  private final Post post;
  private final AsyncConfig.Callback config;
  private final Clock clock;
  private final Map<String, Counter> outcomes;
  private final Semaphore free = new Semaphore(CONCURRENCY);
  private final ExecutorService taker;
  private final ExecutorService senders;
  private volatile boolean closed;

  CallbackSender(
      CallbackQueue queue,
      AsyncBacklog records,
      CallbackSecretStore secrets,
      Post post,
      AsyncConfig.Callback config,
      Clock clock,
      MeterRegistry registry) {
    this.queue = queue;
    this.records = records;
    this.secrets = secrets;
    this.post = post;
    this.config = config;
    this.clock = clock;
    this.outcomes =
        Map.of(
            "delivered", counter(registry, "delivered"),
            "retry", counter(registry, "retry"),
            "failed", counter(registry, "failed"),
            "refused", counter(registry, "refused"));
    this.taker = Executors.newSingleThreadExecutor(daemon("faas-callback-taker"));
    this.senders = Executors.newFixedThreadPool(CONCURRENCY, daemon("faas-callback-sender"));
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("faas.callback.deliveries")
        .description("completion callback delivery attempts by what came of them")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  void start() {
    taker.execute(this::takeLoop);
  }

  private void takeLoop() {
    while (!closed) {
      try {
        free.acquire();
        int n = 1 + free.drainPermits();
        List<CallbackQueue.Delivery> taken;
        try {
          taken = queue.take(n, TAKE_WAIT);
        } catch (RuntimeException e) {
          free.release(n);
          log.debug("Callbacks not taken: [{}]", e.toString());
          Thread.sleep(1000); // the queue is away: its own timeout already waited
          continue;
        }
        free.release(n - taken.size());
        for (CallbackQueue.Delivery d : taken) {
          senders.execute(
              () -> {
                try {
                  deliver(d);
                } finally {
                  free.release();
                }
              });
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Callback loop: [{}]", e.toString());
      }
    }
  }

  /** One attempt of one task, on a sender thread. */
  void deliver(CallbackQueue.Delivery d) {
    CallbackQueue.Task task = d.task();
    try {
      Optional<Versioned<ActivationRecord>> found = records.read(task.owner(), task.activationId());
      CallbackStatus status =
          found.map(v -> v.value().async()).map(a -> a.callback()).orElse(null);
      if (found.isEmpty() || status == null || status.settled()) {
        d.done(); // gone with its user or its TTL, or delivered already
        return;
      }
      ActivationRecord record = found.get().value();
      Instant now = clock.instant();
      List<String> signing =
          secrets
              .get(task.owner())
              .toCompletableFuture()
              .get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
              .signing(now);
      CallbackSteps.Result result =
          post.post(URI.create(status.url()), record.activationId(), now,
                  Json.activation(record), signing)
              .toCompletableFuture()
              .get(config.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
      int attempt = Math.max(d.attempt(), status.attempts() + 1);
      CallbackSteps.Step step =
          CallbackSteps.after(status, result, attempt, config.retries() + 1, config.backoff(),
              clock.instant());
      write(found.get(), step.status());
      String outcome =
          step.retryAfter() != null ? "retry" : step.status().state();
      outcomes.getOrDefault(outcome, outcomes.get("failed")).increment();
      if (step.retryAfter() == null) {
        log.info("Callback of activation [{}] {} after {} attempt(s)", task.activationId(),
            step.status().state(), step.status().attempts());
        d.done();
      } else {
        log.info("Callback of activation [{}] attempt {} failed ([{}]); again in {}",
            task.activationId(), attempt, step.status().lastError(), step.retryAfter());
        d.retryAfter(step.retryAfter());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      d.retryAfter(NOT_ATTEMPTED);
    } catch (Exception e) {
      log.warn("Callback of activation [{}] not attempted: [{}]", task.activationId(),
          e.toString());
      d.retryAfter(NOT_ATTEMPTED);
    }
  }

  /** The record with its callback as {@code status}; re-read when it changed meanwhile. */
  private void write(Versioned<ActivationRecord> read, CallbackStatus status) {
    Versioned<ActivationRecord> current = read;
    for (int i = 0; i < WRITE_ROUNDS; i++) {
      ActivationRecord r = current.value();
      try {
        records.update(r.withAsync(r.async().withCallback(status)), current.revision());
        return;
      } catch (AsyncBacklog.Conflict e) {
        Optional<Versioned<ActivationRecord>> again =
            records.read(r.owner(), r.activationId());
        if (again.isEmpty() || again.get().value().async() == null) {
          return;
        }
        current = again.get();
      }
    }
    log.warn("Callback state of activation [{}] not written: the record kept changing",
        read.value().activationId());
  }

  @Override
  public void close() {
    closed = true;
    taker.shutdownNow();
    senders.shutdownNow();
  }
}
