package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the activation tests share: waits and checks phrased in the API's terms. */
final class Activations {
  /**
   * How long a container may outlive its activation's answer: the worker answers once the record
   * is written and the request acked, and removes the container alongside.
   */
  static final Duration REMOVAL = Duration.ofSeconds(10);

  private Activations() {}

  /**
   * Waits until {@code function} (an echo) runs through this API node: until a worker has
   * announced itself to the node, an invoke is answered 503, "no worker is running", and until
   * the node's watch has caught up with the user, 401.
   */
  static void awaitWorker(FaasClient api, String function) throws Exception {
    Reply last =
        Await.until(
            Duration.ofSeconds(30),
            "a first successful call of " + function,
            () -> api.invoke(function, "ping"),
            r -> r.status() == 200);
    assertEquals("ping", last.text());
  }

  /** The activation's record, {@code GET /v1/activations/{id}}. */
  static JsonNode record(FaasClient api, String id) throws Exception {
    Reply reply = api.get("/v1/activations/" + id);
    assertEquals(200, reply.status(), reply::toString);
    return reply.json();
  }

  /** Checks that {@code reply} is an RFC 9457 problem with this status, and returns it. */
  static JsonNode problem(Reply reply, int status) {
    assertEquals(status, reply.status(), reply::toString);
    assertTrue(
        String.valueOf(reply.header("Content-Type")).startsWith("application/problem+json"),
        () -> "Content-Type " + reply.header("Content-Type"));
    JsonNode problem = reply.json();
    assertEquals(status, problem.get("status").asInt(), problem::toString);
    assertTrue(problem.hasNonNull("title") && problem.hasNonNull("detail"), problem::toString);
    return problem;
  }

  /** Sends {@code count} invocations at once, each with its index as the parameter. */
  static List<CompletableFuture<Reply>> fire(FaasClient api, String function, int count) {
    List<CompletableFuture<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(api.invokeAsync(function, ("call-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return calls;
  }

  /** Waits for every call and returns the replies in order. */
  static List<Reply> join(List<CompletableFuture<Reply>> calls) {
    return calls.stream().map(CompletableFuture::join).toList();
  }

  /** Checks that every reply is 200 and echoes its own {@code call-<i>} parameter. */
  static void assertAllEchoed(List<Reply> replies) {
    for (int i = 0; i < replies.size(); i++) {
      Reply reply = replies.get(i);
      assertEquals(200, reply.status(), "call " + i + ": " + reply);
      assertEquals("call-" + i, reply.text(), "call " + i);
    }
  }
}
