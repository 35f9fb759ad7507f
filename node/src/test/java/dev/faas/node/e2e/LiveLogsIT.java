package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live logs through a real node, worker and nats-server (issue 15, docs/decisions/0023): a
 * follower sees a running function's stderr before the call is answered and then its end; another
 * user gets 404; a follower that never reads does not slow the function.
 *
 * <p>The id of a running synchronous activation is not told to its caller before the answer, so
 * the test reads it off the container's label, as an operator could (an asynchronous call's
 * {@code 202} names it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveLogsIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient owner;
  private FaasClient stranger;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, LiveLogsIT.class);
    // No pool: the one running container is the activation's, labelled with its id. Logs of up
    // to 1 MiB, so that a flood is more than a reader's buffers.
    node =
        cluster.startAllInOne(
            Map.of("FAAS_WORKER_SLOTS", "2", "FAAS_WARM_POOL", "false",
                "FAAS_LOG_CAP_BYTES", "1048576"));
    owner = TestCluster.signUp(node, "follower");
    stranger = TestCluster.signUp(node, "stranger");
    // One image for every function, its script in the environment: one build.
    String image =
        FunctionImages.withCommand("script", "[\"sh\",\"-c\",\"eval \\\"$SCRIPT\\\"\"]");
    owner.createFunction(function("echo", image, "cat"));
    // Ten lines of stderr over about two seconds.
    owner.createFunction(
        function("drip", image,
            "for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i >&2; sleep 0.2; done; echo done"));
    // A second of quiet, a MB of stderr at once, half a second more.
    owner.createFunction(
        function("flood", image,
            "sleep 1; yes " + "x".repeat(99) + " | head -c 1000000 >&2; sleep 0.5; echo done"));
    Activations.awaitWorker(owner, "echo");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
      cluster.close();
    }
  }

  @Test
  void theOwnerSeesLinesBeforeTheAnswerThenTheEndAndNobodyElseSeesAnything() throws Exception {
    CompletableFuture<Long> answeredAt = new CompletableFuture<>();
    CompletableFuture<Reply> call =
        owner.invokeAsync("drip", new byte[0])
            .whenComplete((r, e) -> answeredAt.complete(System.nanoTime()));
    String id = runningActivation();

    CompletableFuture<HttpResponse<Stream<String>>> strangers =
        stranger.getLines("/v1/activations/" + id + "/logs?follow=true");
    HttpResponse<Stream<String>> followed =
        owner.getLines("/v1/activations/" + id + "/logs?follow=true").get(30, TimeUnit.SECONDS);
    assertEquals(200, followed.statusCode());
    Iterator<String> lines = followed.body().iterator();
    List<String> events = new ArrayList<>();
    Long firstLogAt = null;
    while (events.isEmpty() || !events.get(events.size() - 1).startsWith("end ")) {
      String event = nextEvent(lines);
      assertTrue(event != null, "the stream ended without an end event: " + events);
      if (firstLogAt == null && event.startsWith("log ")) {
        firstLogAt = System.nanoTime();
      }
      events.add(event);
    }
    assertTrue(firstLogAt != null, "no log event: " + events);
    long firstAt = firstLogAt;
    Reply reply = call.get(30, TimeUnit.SECONDS);
    assertEquals(200, reply.status(), reply::toString);
    assertEquals("done\n", reply.text());
    assertTrue(
        firstAt < answeredAt.get(),
        () -> "the first line came " + (firstAt - answeredAt.join()) / 1_000_000
            + " ms after the answer: " + events);
    assertEquals("end {\"status\":\"success\",\"logsTruncated\":false}",
        events.get(events.size() - 1));
    String logged =
        events.stream().filter(e -> e.startsWith("log ")).map(e -> e.substring(4))
            .reduce("", String::concat);
    assertTrue(logged.endsWith("line 9\nline 10\n"), logged);

    HttpResponse<Stream<String>> refused = strangers.get(30, TimeUnit.SECONDS);
    assertEquals(404, refused.statusCode());
    assertTrue(refused.body().noneMatch(l -> l.contains("line")));
    assertEquals(404, stranger.get("/v1/activations/" + id + "/logs").status());
    Reply stored = owner.get("/v1/activations/" + id + "/logs");
    assertEquals(200, stored.status(), stored::toString);
    assertTrue(stored.text().startsWith("line 1\nline 2\n"), stored.text());
    assertEquals("false", stored.header("X-Logs-Truncated"));
  }

  @Test
  void aFollowerThatNeverReadsDoesNotSlowTheFunction() throws Exception {
    long alone = runMs(owner.invoke("flood", "x"));

    CompletableFuture<Reply> call = owner.invokeAsync("flood", "x".getBytes());
    String id = runningActivation();
    // Its head read, its body never.
    HttpResponse<Stream<String>> stuck =
        owner.getLines("/v1/activations/" + id + "/logs?follow=true").get(30, TimeUnit.SECONDS);
    assertEquals(200, stuck.statusCode());
    long followed = runMs(call.get(60, TimeUnit.SECONDS));
    stuck.body().close();

    assertTrue(
        followed <= 2 * alone + 1_500,
        () -> "ran " + followed + " ms with a follower that never reads, " + alone + " ms alone");
  }

  private static String function(String name, String image, String script) {
    return "{\"name\":\"" + name + "\",\"image\":\"" + image + "\",\"env\":{\"SCRIPT\":\""
        + script + "\"}}";
  }

  private long runMs(Reply reply) throws Exception {
    assertEquals(200, reply.status(), reply::toString);
    return Activations.record(owner, reply.header("X-Activation-Id"))
        .get("timings")
        .get("runMs")
        .asLong();
  }

  /** The id of the one activation running now, from its container's label. */
  private String runningActivation() throws Exception {
    List<String> containers = DockerEngine.awaitRunning(cluster.platform(), 1, WITHIN);
    String id = DockerEngine.label(containers.get(0), DockerEngine.ACTIVATION_LABEL);
    assertTrue(id.matches("[a-z0-9]{8,64}"), id);
    return id;
  }

  /** The next event as its type, a space and its data (lines joined with LF); null at the end. */
  private static String nextEvent(Iterator<String> lines) {
    String type = "message";
    StringBuilder data = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        if (data != null) {
          return type + " " + data;
        }
        type = "message";
      } else if (line.startsWith("event:")) {
        type = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        String value = line.substring(5).replaceFirst("^ ", "");
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    return null;
  }
}
