package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.PoolMetrics;
import dev.faas.node.deploy.OpsQueries;
import dev.faas.node.it.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-function metrics through a real node (docs/operations.md): a cold and a warm activation, a
 * failing one and a refused one, then one scrape of {@code /metrics} as Prometheus asks for it
 * (OpenMetrics), whose series name each function by its owner's id and name, each outcome by its
 * problem type, each start by its kind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
  private static final String OPEN_METRICS =
      "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient api;
  private HttpClient http;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, MetricsIT.class);
    node =
        cluster.startAllInOne(
            Map.of("FAAS_WARM_POOL", "true", "FAAS_MAX_CONCURRENT", "8", "FAAS_WORKER_SLOTS", "4"));
    http = TestCluster.awaitReady(node);
    api = TestCluster.signUp(node, "metered");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aScrapeShowsEachFunctionsOutcomesStartsPhasesAndRefusals() throws Exception {
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    api.createFunction("echo", cat);
    api.createFunction(
        "exits-3",
        FunctionImages.withCommand(
            "exits-3", "[\"sh\",\"-c\",\"echo partial; echo failing >&2; exit 3\"]"));
    api.createFunction(
        "{\"name\":\"single\",\"maxConcurrency\":1,\"image\":\""
            + FunctionImages.withCommand("sleep-2-cat", "[\"sh\",\"-c\",\"sleep 2; cat\"]")
            + "\"}");

    // Cold: the first call of a function finds nothing pre-started (it waits for a worker and
    // for the node to know the user first).
    Reply first =
        Await.until(
            Duration.ofSeconds(30), "a first call of echo",
            () -> api.invoke("echo", "ping", "Accept", "application/json"),
            r -> r.status() == 200);
    assertTrue(!first.json().get("warm").asBoolean(), first::toString);
    // Refused: a second call of a function that may run once at a time, while the first runs
    // (meanwhile the pool pre-starts echo).
    CompletableFuture<Reply> running = api.invokeAsync("single", "one".getBytes());
    // Failing: the function's own exit.
    Activations.problem(api.invoke("exits-3", "x"), 502);
    // On a loaded machine the first call may end before the second arrives: each round then
    // starts another one to be refused beside.
    List<CompletableFuture<Reply>> more = new ArrayList<>();
    Await.until(
        Duration.ofSeconds(60), "a refusal of single's second call",
        () -> {
          if (running.isDone()) {
            more.add(api.invokeAsync("single", "again".getBytes()));
          }
          return api.invoke("single", "two");
        },
        r -> r.status() == 429);
    more.forEach(CompletableFuture::join);
    // Warm: a call once the pool holds a pre-started container (other functions' count too: a
    // call that still found none of echo's is cold and tried again).
    Await.until(
        Duration.ofSeconds(30), "a warm call of echo",
        () -> PoolMetrics.containers(api.get("/metrics").text(), "idle") >= 1
            ? api.invoke("echo", "ping", "Accept", "application/json")
            : null,
        r -> r != null && r.status() == 200 && r.json().get("warm").asBoolean());
    assertEquals(200, running.join().status());

    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/metrics"))
                .header("Accept", OPEN_METRICS)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    String type = scrape.headers().firstValue("Content-Type").orElse("");
    assertTrue(type.startsWith("application/openmetrics-text; version=1.0.0"), type);
    String text = scrape.body();
    assertTrue(text.endsWith("# EOF\n"), "an OpenMetrics exposition ends with # EOF");

    String owner = api.userId();
    String echo = "function=\"" + owner + ".echo\"";
    assertTrue(value(text, "faas_activations_total", echo, "outcome=\"success\"", "start=\"cold\"") >= 1, text);
    assertTrue(value(text, "faas_activations_total", echo, "outcome=\"success\"", "start=\"warm\"") >= 1);
    assertEquals(
        1.0,
        value(text, "faas_activations_total", "function=\"" + owner + ".exits-3\"",
            "outcome=\"function-exit\""));
    assertTrue(
        value(text, "faas_activations_total", "function=\"" + owner + ".single\"",
            "outcome=\"limit-function\"", "start=\"none\"") >= 1);
    assertTrue(value(text, "faas_refusals_total", "limit=\"function\"") >= 1);
    // The phases: the worker's (queue, container, run) and the API node's (end to end).
    assertTrue(value(text, "faas_activation_acquire_seconds_count", echo, "start=\"warm\"") >= 1);
    assertTrue(value(text, "faas_activation_acquire_seconds_count", echo, "start=\"cold\"") >= 1);
    assertTrue(value(text, "faas_activation_queue_seconds_count", echo) >= 2);
    assertTrue(value(text, "faas_activation_run_seconds_count", echo) >= 2);
    assertTrue(value(text, "faas_activation_duration_seconds_count", echo) >= 2);
    assertTrue(value(text, "faas_activation_duration_seconds_bucket", echo, "le=\"+Inf\"") >= 2);
    assertTrue(value(text, "faas_metrics_functions") >= 3);
    assertTrue(!text.contains("metered"), "no username in the series");

    // Every metric the alert rules and the dashboard read is in a plain Prometheus scrape of a
    // node that ran these activations.
    Reply plain = api.get("/metrics");
    assertTrue(plain.header("Content-Type").startsWith("text/plain; version=0.0.4"),
        plain.header("Content-Type"));
    Files.writeString(Path.of("target", "metrics-it-scrape.txt"), plain.text());
    Set<String> missing = new TreeSet<>(OpsQueries.allMetricNames());
    missing.removeAll(OpsQueries.scrapedNames(plain.text()));
    assertEquals(Set.of(), missing, "read by ops/ but not in the scrape");
  }

  /** The sum of the samples of {@code metric} whose labels include all of {@code labels}. */
  static double value(String text, String metric, String... labels) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        String[] parts = line.substring(line.lastIndexOf('}') + 1).trim().split(" ");
        sum += Double.parseDouble(parts[0]);
        found = true;
      }
    }
    return found ? sum : -1;
  }
}
