package dev.faas.node.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.faas.actors.engine.CallbackSteps;
import dev.faas.actors.engine.CallbackSteps.Delivered;
import dev.faas.actors.engine.CallbackSteps.Failed;
import dev.faas.actors.engine.CallbackSteps.Refused;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real pekko-http client against a JDK HTTP server on 127.0.0.1. */
class CallbackPosterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);     // a shared 2-core machine: generous
  private static final Duration SHORT = Duration.ofSeconds(2);        // only for the server that never answers
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = CallbackSignature.newSecret(new SecureRandom());
  private static final byte[] BODY = "{\"activationId\":\"a1\",\"status\":\"success\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant AT = Instant.ofEpochSecond(1_764_800_000L);

  private static ActorTestKit testKit;
  private static HttpServer server;
  private static ExecutorService serverThreads;
  private static ExecutorService blocking;
  private static int port;
  private static final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private static final AtomicInteger redirectTargetHits = new AtomicInteger();
  private static final CountDownLatch release = new CountDownLatch(1);
  private static final List<String> resolverThreads = Collections.synchronizedList(new ArrayList<>());

  record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> values = headers.get(name.substring(0, 1).toUpperCase() + name.substring(1).toLowerCase());
      return values == null ? null : values.get(0);
    }
  }

  @BeforeAll
  static void start() throws IOException {
    testKit = ActorTestKit.create("CallbackPosterTest");
    blocking = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "callback-dns-test");
      t.setDaemon(true);
      return t;
    });
    serverThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "callback-receiver");
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    server.setExecutor(serverThreads);
    server.createContext("/ok", exchange -> answer(record(exchange), 200, "thanks"));
    server.createContext("/fail", exchange -> answer(record(exchange), 500, "broken"));
    server.createContext("/big", exchange -> answer(record(exchange), 200, "x".repeat(1024 * 1024)));
    server.createContext("/redirect", exchange -> {
      record(exchange);
      exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/target");
      answer(exchange, 302, "");
    });
    server.createContext("/target", exchange -> {
      redirectTargetHits.incrementAndGet();
      answer(record(exchange), 200, "followed");
    });
    server.createContext("/hang", exchange -> {
      record(exchange);
      try {
        release.await(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.start();
    port = server.getAddress().getPort();
    // The first request loads pekko-http's client; no test should time that.
    try (CallbackPoster warmUp = poster("127.0.0.0/8", host -> new InetAddress[0])) {
      warmUp.post(URI.create(local("/warm-up")), "msg_0", AT, BODY, List.of(SECRET)).toCompletableFuture().join();
    }
  }

  @AfterAll
  static void stop() {
    release.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
    blocking.shutdownNow();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void clear() {
    received.clear();
    resolverThreads.clear();
  }

  private static HttpExchange record(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        Map.copyOf(exchange.getRequestHeaders()), body));
    return exchange;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A resolver from a fixed table; it notes which thread it ran on. */
  private static CallbackPoster.Resolver table(Map<String, List<String>> names) {
    return host -> {
      resolverThreads.add(Thread.currentThread().getName());
      List<String> addresses = names.get(host);
      if (addresses == null) {
        throw new UnknownHostException(host);
      }
      InetAddress[] out = new InetAddress[addresses.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses.get(i)).getAddress());
      }
      return out;
    };
  }

  private static final CallbackPoster.Resolver NAMES = table(Map.of(
      "evil.test", List.of("10.0.0.1"),
      "mixed.test", List.of("93.184.216.34", "192.168.1.1"),
      "mixed-reversed.test", List.of("192.168.1.1", "93.184.216.34"),
      "metadata.test", List.of("169.254.169.254"),
      "mapped.test", List.of("::ffff:10.0.0.1"),
      "ok.test", List.of("127.0.0.1")));

  private static CallbackPoster poster(String allow, CallbackPoster.Resolver resolver) {
    return poster(allow, resolver, TIMEOUT);
  }

  private static CallbackPoster poster(String allow, CallbackPoster.Resolver resolver, Duration timeout) {
    return new CallbackPoster(testKit.system(), CallbackAddresses.parse(allow), resolver, blocking, timeout);
  }

  private static CallbackSteps.Result post(CallbackPoster poster, String url, List<String> secrets) throws Exception {
    return poster.post(URI.create(url), "msg_1", AT, BODY, secrets).toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static CallbackSteps.Result post(CallbackPoster poster, String url) throws Exception {
    return post(poster, url, List.of(SECRET));
  }

  private static String local(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Test
  void deliversASignedPostWithItsHeaders() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      assertEquals(new Delivered(200), post(poster, local("/ok?run=1")));
    }
    Received r = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("POST", r.method());
    assertEquals("/ok", r.path());
    assertEquals("application/json", r.header("Content-Type"));
    assertEquals("faas-callback/1", r.header("User-Agent"));
    assertEquals("msg_1", r.header("webhook-id"));
    assertEquals("1764800000", r.header("webhook-timestamp"));
    assertEquals(new String(BODY, StandardCharsets.UTF_8), new String(r.body(), StandardCharsets.UTF_8));
    String signature = r.header("webhook-signature");
    assertTrue(signature.startsWith("v1,"), signature);
    assertTrue(CallbackSignature.verify(SECRET, r.header("webhook-id"), r.header("webhook-timestamp"), r.body(), signature));
    assertFalse(CallbackSignature.verify(CallbackSignature.newSecret(new SecureRandom()), "msg_1", "1764800000", r.body(), signature));
  }

  @Test
  void duringARotationBothSecretsSign() throws Exception {
    String previous = CallbackSignature.newSecret(new SecureRandom());
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      assertEquals(new Delivered(200), post(poster, local("/ok"), List.of(SECRET, previous)));
    }
    Received r = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    String signature = r.header("webhook-signature");
    assertEquals(2, signature.split(" ").length, signature);
    assertTrue(CallbackSignature.verify(SECRET, "msg_1", "1764800000", r.body(), signature));
    assertTrue(CallbackSignature.verify(previous, "msg_1", "1764800000", r.body(), signature));
  }

  @Test
  void loopbackIsRefusedWithoutAnAllowList() throws Exception {
    try (CallbackPoster poster = poster("", NAMES)) {
      Refused refused = assertInstanceOf(Refused.class, post(poster, local("/ok")));
      assertTrue(refused.reason().contains("127.0.0.1"), refused.reason());
    }
    assertNull(received.poll());
  }

  @Test
  void localhostIsRefusedWithoutAnAllowList() throws Exception {
    try (CallbackPoster poster = poster("", CallbackPoster.Resolver.system())) {
      Refused refused = assertInstanceOf(Refused.class, post(poster, "http://localhost:" + port + "/ok"));
      assertTrue(refused.reason().contains("localhost"), refused.reason());
    }
    assertNull(received.poll());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.1", "2130706433", "0.0.0.0", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "[::]",
      "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "LOCALHOST"})
  void otherSpellingsOfLoopbackAreRefused(String host) throws Exception {
    try (CallbackPoster poster = poster("", CallbackPoster.Resolver.system())) {
      CallbackSteps.Result delivery = post(poster, "http://" + host + ":" + port + "/ok");
      assertInstanceOf(Refused.class, delivery, host + ": " + delivery);
    }
    assertNull(received.poll());
  }

  @Test
  void ipv6LoopbackIsRefusedWithoutAnAllowList() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      Refused refused = assertInstanceOf(Refused.class, post(poster, "http://[::1]:" + port + "/ok"));
      assertTrue(refused.reason().contains("::1") || refused.reason().contains("0:0:0:0:0:0:0:1"), refused.reason());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.test", "mixed.test", "mixed-reversed.test", "metadata.test", "mapped.test"})
  void aNameResolvingToAnyInternalAddressIsRefused(String host) throws Exception {
    try (CallbackPoster poster = poster("", NAMES)) {
      long started = System.nanoTime();
      Refused refused = assertInstanceOf(Refused.class, post(poster, "http://" + host + ":" + port + "/ok"));
      assertTrue(refused.reason().contains(host), refused.reason());
      assertTrue(refused.reason().matches(".*(10\\.0\\.0\\.1|192\\.168\\.1\\.1|169\\.254\\.169\\.254).*"), refused.reason());
      assertTrue(System.nanoTime() - started < TIMEOUT.toNanos(), "a refused resolution fails the request, not the timeout");
      assertFalse(refused.reason().contains(SECRET.substring(6)));
    }
    assertEquals(List.of("callback-dns-test"), resolverThreads, "resolution runs on the blocking executor");
  }

  @Test
  void theResolvedAddressIsTheOneConnectedTo() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      assertEquals(new Delivered(200), post(poster, "http://ok.test:" + port + "/ok"));
    }
    Received r = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("ok.test:" + port, r.header("Host"));
    assertEquals(List.of("callback-dns-test"), resolverThreads);
  }

  @Test
  void withoutTheAllowListTheSameNameIsRefused() throws Exception {
    try (CallbackPoster poster = poster("10.0.0.0/8", NAMES)) {
      Refused refused = assertInstanceOf(Refused.class, post(poster, "http://ok.test:" + port + "/ok"));
      assertTrue(refused.reason().contains("ok.test") && refused.reason().contains("127.0.0.1"), refused.reason());
    }
  }

  @Test
  void anUnresolvableNameIsARetryableFailure() throws Exception {
    try (CallbackPoster poster = poster("", NAMES)) {
      long started = System.nanoTime();
      Failed failed = assertInstanceOf(Failed.class, post(poster, "http://nowhere.test/ok"));
      assertTrue(System.nanoTime() - started < TIMEOUT.toNanos(), "a failed resolution fails the request, not the timeout");
      assertEquals(0, failed.status());
      assertTrue(failed.reason().contains("cannot resolve nowhere.test"), failed.reason());
    }
  }

  @Test
  void aServerErrorKeepsItsStatus() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      Failed failed = assertInstanceOf(Failed.class, post(poster, local("/fail")));
      assertEquals(500, failed.status());
    }
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      Failed failed = assertInstanceOf(Failed.class, post(poster, local("/redirect")));
      assertEquals(302, failed.status());
      // A second call on the same pool: had the first been followed, /target would have been hit before it.
      assertEquals(new Delivered(200), post(poster, local("/ok")));
    }
    assertEquals(0, redirectTargetHits.get());
    assertEquals(List.of("/redirect", "/ok"), received.stream().map(Received::path).toList());
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES, SHORT)) {
      long started = System.nanoTime();
      Failed failed = assertInstanceOf(Failed.class, post(poster, local("/hang")));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertEquals(0, failed.status());
      assertTrue(took.compareTo(SHORT.minusMillis(100)) >= 0, "not before the timeout: " + took);
      assertTrue(took.compareTo(SHORT.plusSeconds(10)) < 0, "within the timeout and some slack: " + took);
    }
  }

  @Test
  void aClosedPortIsARetryableFailure() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      Failed failed = assertInstanceOf(Failed.class, post(poster, "http://127.0.0.1:" + closed + "/ok"));
      assertEquals(0, failed.status());
    }
  }

  @Test
  void aLargeAnswerIsDiscardedAndThePoolStaysUsable() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      assertEquals(new Delivered(200), post(poster, local("/big")));
      assertEquals(new Delivered(200), post(poster, local("/ok")));
      assertEquals(new Delivered(200), post(poster, local("/big")));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://user:hunter2@127.0.0.1/ok",
      "https://user@example.com/ok",
      "ftp://example.com/ok",
      "file:///etc/passwd",
      "mailto:someone@example.com",
      "http:///ok",
      "http://exa_mple.com/ok",
      "//example.com/ok",
      "ok",
  })
  void onlyHttpUrlsWithAHostAndNoUserInfoAreTried(String url) throws Exception {
    try (CallbackPoster poster = poster("0.0.0.0/0,::/0", NAMES)) {
      Refused refused = assertInstanceOf(Refused.class, post(poster, url));
      assertFalse(refused.reason().contains("hunter2"), refused.reason());
    }
    assertTrue(resolverThreads.isEmpty(), "nothing resolved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "msg.1", "msg\r\nX-Injected: 1", "msg 1"})
  void aWebhookIdThatCouldBreakTheHeaderOrTheSignedContentIsRefused(String id) throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      CallbackSteps.Result delivery = poster.post(URI.create(local("/ok")), id, AT, BODY, List.of(SECRET)).toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertInstanceOf(Refused.class, delivery);
    }
    assertNull(received.poll());
  }

  @Test
  void aMalformedSecretIsRefusedWithoutBeingNamed() throws Exception {
    try (CallbackPoster poster = poster("127.0.0.0/8", NAMES)) {
      Refused refused = assertInstanceOf(Refused.class, post(poster, local("/ok"), List.of("whsec_!!not-base64!!")));
      assertFalse(refused.reason().contains("not-base64"), refused.reason());
    }
    assertNull(received.poll());
  }

  @Test
  void aClosedPosterSendsNothing() throws Exception {
    CallbackPoster poster = poster("127.0.0.0/8", NAMES);
    poster.close();
    Failed failed = assertInstanceOf(Failed.class, post(poster, local("/ok")));
    assertEquals(0, failed.status());
    assertNull(received.poll());
  }
}
