package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.faas.node.it.Await;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Completion callbacks (docs/decisions/0026) on the real stack: one node on a real nats-server
 * and engine posts to a receiver in this test on loopback (allowed here by {@code
 * FAAS_CALLBACK_ALLOW}). The signature is checked with the Standard Webhooks rule computed here,
 * not with the platform's code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallbackIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] ASYNC = {"Prefer", "respond-async"};
  private static final Duration ARRIVAL = Duration.ofSeconds(60);

  /** One POST as the receiver saw it. */
  record Received(Map<String, List<String>> headers, byte[] body, Instant at) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private FaasClient alice;
  private HttpServer receiver;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  /** How many of the next POSTs the receiver answers 500. */
  private final AtomicInteger failNext = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(Map.copyOf(exchange.getRequestHeaders()), body, Instant.now()));
          int status = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 204;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
    cluster = TestCluster.start(dir, CallbackIT.class);
    node =
        cluster.startAllInOne(
            Map.of(
                "FAAS_CALLBACK_ALLOW", "127.0.0.0/8",
                "FAAS_CALLBACK_BACKOFF", "300ms",
                "FAAS_CALLBACK_RETRIES", "2",
                "FAAS_CALLBACK_TIMEOUT", "5s"));
    alice = TestCluster.signUp(node, "alice");
    alice.createFunction("echo", FunctionImages.withCommand("cat", "[\"cat\"]"));
    Activations.awaitWorker(alice, "echo");
  }

  @AfterAll
  void stop() throws Exception {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void clear() {
    received.clear();
    failNext.set(0);
  }

  private String hook() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private String secret() throws Exception {
    Reply r = alice.get("/v1/users/me/callback-secret");
    assertEquals(200, r.status(), r::toString);
    return r.json().path("secret").asText();
  }

  private Received next() throws InterruptedException {
    Received r = received.poll(ARRIVAL.toSeconds(), TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no callback arrived within " + ARRIVAL);
    }
    return r;
  }

  /** The Standard Webhooks signature of {@code r} under {@code secret}, computed here. */
  private static String expectedSignature(String secret, Received r) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update(
        (r.header("webhook-id") + "." + r.header("webhook-timestamp") + ".")
            .getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(r.body()));
  }

  private JsonNode callbackOf(String id, String state) throws Exception {
    return Await.until(
        Duration.ofSeconds(30),
        "the record's callback " + state,
        () -> alice.get("/v1/activations/" + id).json().path("async").path("callback"),
        c -> state.equals(c.path("state").asText()));
  }

  @Test
  @Order(1)
  void theFinalRecordIsPostedSignedWithTheUsersSecretAndTheRecordSaysDelivered()
      throws Exception {
    String secret = secret();
    Reply accepted = alice.invoke("echo", "hello", ASYNC[0], ASYNC[1], "X-Callback-Url", hook());
    assertEquals(202, accepted.status(), accepted::toString);
    String id = accepted.header("X-Activation-Id");

    Received r = next();
    assertEquals("application/json", r.header("Content-Type"));
    assertEquals(id, r.header("webhook-id"));
    long sent = Long.parseLong(r.header("webhook-timestamp"));
    assertTrue(Math.abs(sent - r.at().getEpochSecond()) < 60, "timestamp " + sent);
    assertEquals(expectedSignature(secret, r), r.header("webhook-signature"));
    JsonNode body = JSON.readTree(r.body());
    assertEquals(id, body.path("activationId").asText(), body::toString);
    assertEquals("success", body.path("status").asText(), body::toString);
    assertEquals("hello", body.path("result").asText(), body::toString);

    JsonNode callback = callbackOf(id, "delivered");
    assertEquals(hook(), callback.path("url").asText());
    assertEquals(1, callback.path("attempts").asInt(), callback::toString);
    assertEquals(204, callback.path("lastStatus").asInt(), callback::toString);
    assertTrue(received.isEmpty(), "posted more than once: " + received);
  }

  @Test
  @Order(2)
  void aFailingReceiverIsRetriedWithBackoffUntilItTakesIt() throws Exception {
    failNext.set(2);
    Reply accepted = alice.invoke("echo", "again", ASYNC[0], ASYNC[1], "X-Callback-Url", hook());
    assertEquals(202, accepted.status(), accepted::toString);
    String id = accepted.header("X-Activation-Id");
    List<Received> posts = new ArrayList<>(List.of(next(), next(), next()));
    for (Received r : posts) {
      assertEquals(id, r.header("webhook-id"), "the same id on every attempt");
    }
    Duration firstWait = Duration.between(posts.get(0).at(), posts.get(1).at());
    Duration secondWait = Duration.between(posts.get(1).at(), posts.get(2).at());
    assertTrue(firstWait.toMillis() >= 250, "retried after " + firstWait);
    assertTrue(secondWait.compareTo(firstWait) > 0,
        "the backoff grows: " + firstWait + " then " + secondWait);
    JsonNode callback = callbackOf(id, "delivered");
    assertEquals(3, callback.path("attempts").asInt(), callback::toString);
  }

  @Test
  @Order(3)
  void aReceiverThatNeverTakesItIsGivenUpAfterTheRetries() throws Exception {
    failNext.set(100);
    Reply accepted = alice.invoke("echo", "lost", ASYNC[0], ASYNC[1], "X-Callback-Url", hook());
    String id = accepted.header("X-Activation-Id");
    JsonNode callback = callbackOf(id, "failed");
    assertEquals(3, callback.path("attempts").asInt(), callback::toString);
    assertEquals(500, callback.path("lastStatus").asInt(), callback::toString);
    assertEquals(3, received.size(), "one first attempt and FAAS_CALLBACK_RETRIES=2 more");
  }

  @Test
  @Order(4)
  void aPrivateAddressOrASynchronousCallbackIsRefusedBeforeAny202() throws Exception {
    for (String url : List.of("http://10.1.2.3/hook", "http://169.254.169.254/latest/",
        "http://[fd00::1]/hook")) {
      Reply r = alice.invoke("echo", "x", ASYNC[0], ASYNC[1], "X-Callback-Url", url);
      assertEquals(400, r.status(), url + " -> " + r);
      assertEquals("X-Callback-Url", r.json().path("field").asText(), r::toString);
      assertEquals(null, r.header("X-Activation-Id"));
    }
    Reply sync = alice.invoke("echo", "x", "X-Callback-Url", hook());
    assertEquals(400, sync.status(), sync::toString);
    assertTrue(received.isEmpty(), "something was posted: " + received);
  }

  @Test
  @Order(5)
  void afterARotationBothSecretsSignForADay() throws Exception {
    String old = secret();
    Reply rotated = alice.call("POST", "/v1/users/me/callback-secret", null);
    assertEquals(200, rotated.status(), rotated::toString);
    String current = rotated.json().path("secret").asText();
    assertNotEquals(old, current);
    assertFalse(rotated.json().path("previousSignsUntil").isNull(), rotated::toString);
    Reply accepted = alice.invoke("echo", "rot", ASYNC[0], ASYNC[1], "X-Callback-Url", hook());
    assertEquals(202, accepted.status(), accepted::toString);
    Received r = next();
    assertEquals(
        expectedSignature(current, r) + " " + expectedSignature(old, r),
        r.header("webhook-signature"));
  }
}
