package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.outcome.Outcome.Rejected;
import dev.faas.actors.outcome.Outcome.Succeeded;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Activations per function in a node's registry (docs/operations.md lists the series), under a cap
 * on the functions with series of their own ({@link SeriesCap}, docs/decisions/0021). One per
 * node, shared by its API part ({@link #answered}: what callers got) and its worker part ({@link
 * #ran}: where a run's time went); the outcome is the problem type's slug, or {@code success}: the
 * platform's one failure vocabulary ({@link ProblemType#of}).
 */
public final class ActivationMetrics {
  /** {@code faas_activations_total{function,outcome,start}}: answers an API node gave. */
  public static final String ACTIVATIONS = "faas.activations";
  /** {@code faas_activation_duration_seconds{function}}: end to end, as the API node saw it. */
  public static final String DURATION = "faas.activation.duration";
  /** {@code faas_activation_queue_seconds{function}}: admission until a worker took it. */
  public static final String QUEUE = "faas.activation.queue";
  /** {@code faas_activation_acquire_seconds{function,start}}: getting its container. */
  public static final String ACQUIRE = "faas.activation.acquire";
  /** {@code faas_activation_run_seconds{function}}: the function's own run. */
  public static final String RUN = "faas.activation.run";
  /** {@code faas_refusals_total{limit}}: activations refused by a concurrency limit. */
  public static final String REFUSALS = "faas.refusals";
  /** {@code faas_metrics_functions}: functions with series of their own on this node. */
  public static final String TRACKED = "faas.metrics.functions";

  /** {@code faas_metrics_functions_max}: the cap, {@code FAAS_METRICS_MAX_FUNCTIONS}. */
  public static final String CAP = "faas.metrics.functions.max";

  /** A function unseen this long gives its place to a newcomer once the cap is reached. */
  public static final Duration IDLE_AFTER = Duration.ofHours(1);

  private static final List<String> PER_FUNCTION = List.of(ACTIVATIONS, DURATION, QUEUE, ACQUIRE, RUN);

  /** Bucket bounds shared by every phase: from a warm hand-over to a long run (a few ms to 5 min). */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)
  };

  private final MeterRegistry registry;
  private final int cap;
  private final Duration idleAfter;
  private final Clock clock;
  /** The functions with series of their own and when each was last seen; guarded by this. */
  private final Map<String, Instant> lastSeen = new HashMap<>();
  /** {@code lastSeen}'s size, for the gauge to read without the lock. */
  private final AtomicInteger tracked = new AtomicInteger();

  /**
   * @param cap at most this many functions get series of their own ({@code
   *     FAAS_METRICS_MAX_FUNCTIONS}); the rest are counted as {@value SeriesCap#OTHER}
   */
  public ActivationMetrics(MeterRegistry registry, int cap, Duration idleAfter, Clock clock) {
    if (cap < 0) {
      throw new IllegalArgumentException("cap must not be negative: " + cap);
    }
    this.registry = registry;
    this.cap = cap;
    this.idleAfter = idleAfter;
    this.clock = clock;
    Gauge.builder(TRACKED, tracked, AtomicInteger::get)
        .description("Functions with series of their own on this node (at most the cap)")
        .register(registry);
    Gauge.builder(CAP, () -> cap)
        .description("At most this many functions get series of their own on this node")
        .register(registry);
  }

  public ActivationMetrics(MeterRegistry registry, int cap) {
    this(registry, cap, IDLE_AFTER, Clock.systemUTC());
  }

  /**
   * An API node answered an activation of {@code owner}'s {@code function} with {@code outcome},
   * {@code elapsed} after it was asked.
   */
  public synchronized void answered(String owner, String function, Outcome outcome, Duration elapsed) {
    String label = label(owner + "." + function);
    ActivationRecord record = record(outcome);
    Counter.builder(ACTIVATIONS)
        .description("Activations answered by this API node, by function, outcome and start kind")
        .tag("function", label)
        .tag("outcome", outcome(outcome))
        .tag("start", record == null ? "none" : record.warm() ? "warm" : "cold")
        .register(registry)
        .increment();
    if (outcome instanceof Rejected rejected) {
      Counter.builder(REFUSALS)
          .description("Activations refused by a concurrency limit, by the limit")
          .tag("limit", rejected.limit().name().toLowerCase(Locale.ROOT))
          .register(registry)
          .increment();
      return;
    }
    timer(DURATION, "From the call to its answer on the API node", label).record(elapsed);
  }

  /**
   * A worker finished {@code record}'s run (whatever its outcome): where its time went. A record
   * of a runner that crashed has no timings and is left out (its caller's answer counts it, as
   * {@code platform-error}); one whose image was not found has no run.
   */
  public synchronized void ran(ActivationRecord record) {
    if (record.failure() == FailureKind.PLATFORM_ERROR) {
      return;
    }
    String label = label(record.owner() + "." + record.function());
    timer(QUEUE, "From admission until a worker took the activation", label)
        .record(record.queuedMs(), TimeUnit.MILLISECONDS);
    Timer.builder(ACQUIRE)
        .description("Getting the activation's container: from the warm pool, or a cold start")
        .tag("function", label)
        .tag("start", record.warm() ? "warm" : "cold")
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(record.acquireMs(), TimeUnit.MILLISECONDS);
    if (record.failure() != FailureKind.IMAGE_NOT_FOUND) {
      timer(RUN, "The function's run: from its parameter to the end of its output", label)
          .record(record.runMs(), TimeUnit.MILLISECONDS);
    }
  }

  /** {@code success}, or the failure's problem type ({@code function-exit}, {@code limit-user}...). */
  static String outcome(Outcome outcome) {
    return outcome instanceof Outcome.Failure failure ? ProblemType.of(failure).slug() : "success";
  }

  private static ActivationRecord record(Outcome outcome) {
    if (outcome instanceof Succeeded ok) {
      return ok.record();
    }
    if (outcome instanceof Outcome.Failed failed) {
      return failed.record();
    }
    if (outcome instanceof Outcome.TimedOut timedOut) {
      return timedOut.record();
    }
    return null;
  }

  private Timer timer(String name, String help, String label) {
    return Timer.builder(name)
        .description(help)
        .tag("function", label)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /** The label {@code function} is counted under now; applies {@link SeriesCap}'s choice. */
  private String label(String function) {
    Instant now = clock.instant();
    SeriesCap.Choice choice = SeriesCap.choose(lastSeen, cap, idleAfter, function, now);
    if (choice instanceof SeriesCap.Other) {
      return SeriesCap.OTHER;
    }
    if (choice instanceof SeriesCap.Replace replace) {
      lastSeen.remove(replace.idle());
      forget(replace.idle());
    }
    lastSeen.put(function, now);
    tracked.set(lastSeen.size());
    return function;
  }

  /** Removes every series of {@code function} from the registry. */
  private void forget(String function) {
    for (String name : PER_FUNCTION) {
      for (Meter meter : registry.find(name).tag("function", function).meters()) {
        registry.remove(meter);
      }
    }
  }
}
