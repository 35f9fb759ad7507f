package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.LimitReached;
import dev.faas.actors.outcome.Outcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ActivationMetricsTest {
  private static final Pattern FUNCTION = Pattern.compile("function=\"([^\"]*)\"");
  private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final PrometheusMeterRegistry registry = nodeRegistry();

  /** As the node makes it: with the node's common tags on every series. */
  private static PrometheusMeterRegistry nodeRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", "api-worker-1", "roles", "api,worker");
    return registry;
  }

  private static ActivationRecord record(
      String owner, String function, boolean warm, ActivationStatus status, FailureKind failure) {
    return new ActivationRecord(
        "act-" + function, owner, function, status, failure, failure == null ? 0 : 1,
        new byte[0], "", false, T0, 40, "w1", warm, 3, warm ? 1 : 300, 20);
  }

  private static ActivationRecord ok(String owner, String function, boolean warm) {
    return record(owner, function, warm, ActivationStatus.SUCCESS, null);
  }

  @Test
  void fiveThousandFunctionsStayWithinTheCapPlusOther() {
    int cap = 200;
    ActivationMetrics metrics = new ActivationMetrics(registry, cap);
    String emptyScrape = registry.scrape();
    for (int i = 0; i < 5_000; i++) {
      String owner = "u" + (i % 50);
      String name = "fn-" + i;
      ActivationRecord record = ok(owner, name, i % 3 == 0);
      metrics.answered(owner, name, new Outcome.Succeeded(record), Duration.ofMillis(45));
      metrics.answered(
          owner, name,
          new Outcome.Failed(record(owner, name, false, ActivationStatus.FAILED,
              FailureKind.NON_ZERO_EXIT)),
          Duration.ofMillis(45));
      metrics.ran(record);
    }
    long start = System.nanoTime();
    String scrape = registry.scrape();
    long firstMs = (System.nanoTime() - start) / 1_000_000;
    long again = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    registry.scrape();
    long scrapeMs = (System.nanoTime() - again) / 1_000_000;
    long scrapeCpuMs = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000;
    String openMetrics = registry.scrape("application/openmetrics-text; version=1.0.0");

    Set<String> functions = labels(scrape);
    assertEquals(cap + 1, functions.size(), "the cap's functions and other");
    assertTrue(functions.contains(SeriesCap.OTHER));
    assertTrue(functions.contains("u0.fn-0"), "the first seen keep their series");
    assertFalse(functions.contains("u0.fn-4950"));
    long lines = scrape.lines().filter(l -> !l.startsWith("#")).count();
    int bytes = scrape.getBytes(StandardCharsets.UTF_8).length;
    System.out.printf(
        "5000 functions, cap %d: %d series lines, %d bytes (%d bytes before any activation),"
            + " OpenMetrics %d bytes, first scrape %d ms, then %d ms (%d ms of CPU)%n",
        cap, lines, bytes, emptyScrape.length(), openMetrics.length(), firstMs, scrapeMs,
        scrapeCpuMs);
    // Per function: 3 outcome/start counters at most, 4 histograms of 12 bounds (+Inf, count, sum,
    // max): well under 100 lines; whatever the number of functions seen.
    assertTrue(lines < (cap + 1) * 100L, lines + " lines");
    assertTrue(bytes < 4 * 1024 * 1024, bytes + " bytes");
    // Nothing lost: every activation is counted, in its own series or under other.
    assertEquals(10_000.0, sum(scrape, "faas_activations_total{"), 0.001);
    assertEquals(5_000.0, count(scrape, "faas_activation_run_seconds_count{"), 0.001);
  }

  @Test
  void outcomesAreTheProblemTypesAndRefusalsCountByLimit() {
    ActivationMetrics metrics = new ActivationMetrics(registry, 10);
    Duration d = Duration.ofMillis(10);
    metrics.answered("u1", "f", new Outcome.Succeeded(ok("u1", "f", true)), d);
    metrics.answered("u1", "f", new Outcome.Succeeded(ok("u1", "f", false)), d);
    metrics.answered("u1", "f", new Outcome.Failed(record("u1", "f", true,
        ActivationStatus.FAILED, FailureKind.OUT_OF_MEMORY)), d);
    metrics.answered("u1", "f", new Outcome.TimedOut("a", null), d);
    metrics.answered("u1", "f", new Outcome.Failed("a", FailureKind.WORKER_LOST, null, null), d);
    metrics.answered("u1", "f", new Outcome.Rejected("a", LimitReached.USER), d);
    metrics.answered("u1", "f", new Outcome.Rejected("a", LimitReached.FUNCTION), d);
    metrics.answered("u1", "f", new Outcome.Unavailable("a", "no worker"), d);
    String text = registry.scrape();
    for (String series :
        new String[] {
          "outcome=\"success\",roles=\"api,worker\",start=\"warm\"",
          "outcome=\"success\",roles=\"api,worker\",start=\"cold\"",
          "outcome=\"function-oom\",roles=\"api,worker\",start=\"warm\"",
          "outcome=\"function-timeout\",roles=\"api,worker\",start=\"none\"",
          "outcome=\"worker-lost\",roles=\"api,worker\",start=\"none\"",
          "outcome=\"limit-user\",roles=\"api,worker\",start=\"none\"",
          "outcome=\"limit-function\",roles=\"api,worker\",start=\"none\"",
          "outcome=\"worker-unavailable\",roles=\"api,worker\",start=\"none\""
        }) {
      assertEquals(
          1.0,
          sum(text, "faas_activations_total{function=\"u1.f\",node=\"api-worker-1\"," + series),
          0.001, series);
    }
    assertEquals(1.0, sum(text, "faas_refusals_total{limit=\"user\""), 0.001);
    assertEquals(1.0, sum(text, "faas_refusals_total{limit=\"function\""), 0.001);
    // Refusals are answered at once: they do not weigh in the end-to-end time.
    assertEquals(6.0, count(text, "faas_activation_duration_seconds_count{"), 0.001);
  }

  @Test
  void aRunWithoutTimingsWeighsInNoPhase() {
    ActivationMetrics metrics = new ActivationMetrics(registry, 10);
    metrics.ran(record("u1", "f", false, ActivationStatus.FAILED, FailureKind.PLATFORM_ERROR));
    metrics.ran(record("u1", "f", false, ActivationStatus.FAILED, FailureKind.IMAGE_NOT_FOUND));
    metrics.ran(record("u1", "f", true, ActivationStatus.FAILED, FailureKind.OUT_OF_MEMORY));
    String text = registry.scrape();
    assertEquals(2.0, count(text, "faas_activation_queue_seconds_count{"), 0.001);
    assertEquals(2.0, count(text, "faas_activation_acquire_seconds_count{"), 0.001);
    assertEquals(1.0, count(text, "faas_activation_run_seconds_count{"), 0.001);
  }

  @Test
  void aFunctionIdlePastTheLimitGivesItsSeriesToANewcomer() {
    MutableClock clock = new MutableClock(T0);
    ActivationMetrics metrics = new ActivationMetrics(registry, 2, Duration.ofHours(1), clock);
    metrics.ran(ok("u1", "old", false));
    clock.now = T0.plus(Duration.ofMinutes(30));
    metrics.ran(ok("u1", "busy", true));
    clock.now = T0.plus(Duration.ofMinutes(50));
    metrics.ran(ok("u1", "late", true));
    assertEquals(Set.of("u1.old", "u1.busy", "other"), labels(registry.scrape()));

    clock.now = T0.plus(Duration.ofMinutes(70));
    metrics.ran(ok("u1", "late", true));
    assertEquals(Set.of("u1.busy", "u1.late", "other"), labels(registry.scrape()));
    assertEquals(
        1.0, count(registry.scrape(), "faas_activation_run_seconds_count{function=\"u1.late\""),
        0.001);
    assertTrue(registry.scrape().contains("faas_metrics_functions{node=\"api-worker-1\",roles=\"api,worker\"} 2.0"));
  }

  private static Set<String> labels(String scrape) {
    Set<String> found = new TreeSet<>();
    Matcher m = FUNCTION.matcher(scrape);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** The sum of the values of every line starting with {@code prefix}. */
  private static double sum(String scrape, String prefix) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static double count(String scrape, String prefix) {
    return sum(scrape, prefix);
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
