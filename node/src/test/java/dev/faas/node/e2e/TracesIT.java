package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.AsyncIds;
import dev.faas.actors.trace.SpanNames;
import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.OtlpReceiver;
import dev.faas.node.it.OtlpReceiver.Received;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces through a real cluster (API.md, "Requests and traces"; docs/decisions/0022): an API node
 * and a worker, separate processes, export their spans with OTLP/HTTP to a receiver in the test,
 * which decodes the protobuf. One call is one trace from the HTTP request on the API node, across
 * NATS by the message's {@code traceparent}, to the worker's run, each span under the right
 * parent; a caller's {@code traceparent} is continued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracesIT {
  private static final String INVOKE = "POST /v1/functions/{name}/invoke";
  private static final Duration EXPORTED = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private OtlpReceiver receiver;
  private TestCluster cluster;
  private FaasClient api;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    cluster = TestCluster.start(dir, TracesIT.class);
    Map<String, String> traced = Map.of("FAAS_OTLP_ENDPOINT", receiver.endpoint());
    NodeProcess apiNode = cluster.startNode("api", with(traced, "FAAS_ROLES", "api"));
    cluster.startNode("worker", with(traced, "FAAS_ROLES", "worker"));
    api = TestCluster.signUp(apiNode, "tracer");
    api.createFunction("echo", FunctionImages.withCommand("cat", "[\"cat\"]"));
    Activations.awaitWorker(api, "echo");
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put(key, value);
    return all;
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
      cluster.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private static Received one(List<Received> spans, String name) {
    List<Received> named = spans.stream().filter(s -> s.name().equals(name)).toList();
    assertEquals(1, named.size(), () -> name + " in " + spans);
    return named.get(0);
  }

  /** The spans of {@code traceId} once the worker's last ones (the record's write) are in. */
  private List<Received> awaitTrace(String traceId) throws Exception {
    Set<String> expected =
        Set.of(INVOKE, SpanNames.ADMISSION, SpanNames.PUBLISH, SpanNames.PROCESS,
            SpanNames.ACQUIRE, SpanNames.RUN, SpanNames.RECORD_WRITE);
    return Await.until(
        EXPORTED,
        "the spans of trace " + traceId + " from both nodes",
        () -> receiver.trace(traceId),
        spans -> spans.stream().map(Received::name).toList().containsAll(expected));
  }

  @Test
  void aCallersTraceRunsFromTheApiNodeThroughTheQueueToTheWorkersRun() throws Exception {
    String traceId = hex(16);
    String callerSpan = hex(8);
    Reply reply =
        api.invoke("echo", "traced", "traceparent", "00-" + traceId + "-" + callerSpan + "-01",
            "tracestate", "it=1");
    assertEquals(200, reply.status(), reply::toString);
    String activationId = reply.header("X-Activation-Id");

    List<Received> spans = awaitTrace(traceId);

    // On the API node: the request continues the caller's span; admission and publish under it.
    Received server = one(spans, INVOKE);
    assertEquals(callerSpan, server.parentSpanId(), "the caller's span is the parent");
    assertEquals("SERVER", server.kind());
    assertEquals(cluster.nodeName("api"), server.node());
    assertEquals("200", server.attributes().get("http.response.status_code"));
    Received admission = one(spans, SpanNames.ADMISSION);
    assertEquals(server.spanId(), admission.parentSpanId());
    Received publish = one(spans, SpanNames.PUBLISH);
    assertEquals(server.spanId(), publish.parentSpanId());
    assertEquals("PRODUCER", publish.kind());
    assertEquals(cluster.nodeName("api"), publish.node());

    // On the worker, joined by the message's traceparent: the publish is the parent.
    Received process = one(spans, SpanNames.PROCESS);
    assertEquals(publish.spanId(), process.parentSpanId());
    assertEquals("CONSUMER", process.kind());
    assertEquals(cluster.nodeName("worker"), process.node());
    assertEquals(activationId, process.attributes().get(SpanNames.ACTIVATION_ID));
    assertEquals("success", process.attributes().get(SpanNames.STATUS));
    for (String child : List.of(SpanNames.ACQUIRE, SpanNames.RUN, SpanNames.RECORD_WRITE)) {
      Received span = one(spans, child);
      assertEquals(process.spanId(), span.parentSpanId(), child + " under the process span");
      assertEquals(cluster.nodeName("worker"), span.node());
    }
    String start = one(spans, SpanNames.ACQUIRE).attributes().get(SpanNames.START);
    assertTrue(Set.of("warm", "cold").contains(start), "warm or cold: " + start);
  }

  @Test
  void anAsynchronousCallsAttemptContinuesTheSubmittingRequestsTrace() throws Exception {
    String traceId = hex(16);
    Reply accepted =
        api.invoke("echo", "later", "Prefer", "respond-async",
            "traceparent", "00-" + traceId + "-" + hex(8) + "-01");
    assertEquals(202, accepted.status(), accepted::toString);
    String attempt = AsyncIds.attempt(accepted.header("X-Activation-Id"), 1);

    List<Received> spans = awaitTrace(traceId);

    // The 202's request, then the attempt admitted under it (after it ended) and run on the worker.
    Received server = one(spans, INVOKE);
    assertEquals("202", server.attributes().get("http.response.status_code"));
    Received admission = one(spans, SpanNames.ADMISSION);
    assertEquals(server.spanId(), admission.parentSpanId());
    Received process = one(spans, SpanNames.PROCESS);
    assertEquals(one(spans, SpanNames.PUBLISH).spanId(), process.parentSpanId());
    assertEquals(attempt, process.attributes().get(SpanNames.ACTIVATION_ID));
    assertEquals(cluster.nodeName("worker"), process.node());
  }

  @Test
  void aCallWithoutTraceparentStartsATraceThatReachesTheWorker() throws Exception {
    Reply reply = api.invoke("echo", "untraced");
    assertEquals(200, reply.status(), reply::toString);
    String requestId = reply.header("X-Request-Id");

    Received server =
        Await.until(
            EXPORTED,
            "the server span of request " + requestId,
            () ->
                receiver.spans().stream()
                    .filter(s -> requestId.equals(s.attributes().get(SpanNames.REQUEST_ID)))
                    .filter(s -> s.name().equals(INVOKE))
                    .findFirst(),
            java.util.Optional::isPresent)
            .orElseThrow();
    assertEquals("", server.parentSpanId(), "a root span");
    List<Received> spans = awaitTrace(server.traceId());
    Received run = one(spans, SpanNames.RUN);
    assertEquals(cluster.nodeName("worker"), run.node());
    assertEquals(
        one(spans, SpanNames.PROCESS).attributes().get(SpanNames.REQUEST_ID), requestId);
  }
}
