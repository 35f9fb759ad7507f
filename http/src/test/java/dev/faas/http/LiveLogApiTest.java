package dev.faas.http;

import static dev.faas.http.ApiFixture.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLogFeed;
import dev.faas.actors.activation.LiveLogMessage;
import dev.faas.actors.activation.LiveLogMessage.Kind;
import dev.faas.actors.fakes.FakeStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /v1/activations/{id}/logs} over a fake feed of workers' messages: the owner's
 * stream, everybody else's 404, stored logs, gaps reported (docs/decisions/0023).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveLogApiTest {
  private static final LiveLogRoutes.Limits LIMITS =
      new LiveLogRoutes.Limits(
          Duration.ofMillis(800), Duration.ofMillis(300), 10, 256, Duration.ofSeconds(15));

  private final FakeFeed feed = new FakeFeed();
  private final FakeStore records = new FakeStore();
  private final ApiFixture api =
      new ApiFixture(
          HttpSettings.defaults(),
          deps -> new LiveLogRoutes(records, feed, LIMITS, deps.meterRegistry()).endpoints(),
          true);
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;
  private String ownerId;

  @AfterAll
  void stop() {
    api.close();
  }

  @BeforeEach
  void user() {
    String name = api.uniqueName("logs");
    token = api.userWithToken(name);
    ownerId = api.idOf(name);
  }

  @Test
  void theOwnerSeesStderrWhileItRunsAndTheEnd() throws Exception {
    String id = "live00000001";
    CompletableFuture<HttpResponse<Stream<String>>> response = follow(id, token);
    Consumer<LiveLogMessage> worker = feed.awaitFollower(id);
    worker.accept(message(ownerId, Kind.ALIVE, 0, ""));
    worker.accept(message(ownerId, Kind.CHUNK, 0, "first line\n"));
    HttpResponse<Stream<String>> answered = response.get(5, TimeUnit.SECONDS);
    assertEquals(200, answered.statusCode());
    assertTrue(
        answered.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
    // APISIX (nginx) in front passes each event on at once instead of buffering the stream.
    assertEquals("no", answered.headers().firstValue("X-Accel-Buffering").orElse(null));
    Iterator<String> lines = answered.body().iterator();
    assertEquals(List.of("log first line\n"), events(lines, 1), "seen before the activation ends");

    worker.accept(message(ownerId, Kind.CHUNK, 11, "second\r\n"));
    worker.accept(
        new LiveLogMessage(ownerId, null, Kind.END, 19, null, ActivationStatus.SUCCESS, false));
    assertEquals(
        List.of("log second\n", "end {\"status\":\"success\",\"logsTruncated\":false}"),
        events(lines, 99));
    assertTrue(feed.followers.isEmpty(), "the subscription is closed at the end");
  }

  @Test
  void anotherUsersActivationIs404AndNothingOfItIsSent() throws Exception {
    String id = "live00000002";
    CompletableFuture<HttpResponse<Stream<String>>> response = follow(id, token);
    Consumer<LiveLogMessage> worker = feed.awaitFollower(id);
    worker.accept(message("someone-else", Kind.CHUNK, 0, "secret\n"));
    HttpResponse<Stream<String>> answered = response.get(5, TimeUnit.SECONDS);
    assertEquals(404, answered.statusCode());
    assertFalse(String.join("\n", answered.body().toList()).contains("secret"));
    assertTrue(feed.followers.isEmpty(), "no subscription is left behind");
  }

  @Test
  void missedBytesAreReportedAsDropped() throws Exception {
    String id = "live00000003";
    CompletableFuture<HttpResponse<Stream<String>>> response = follow(id, token);
    Consumer<LiveLogMessage> worker = feed.awaitFollower(id);
    // Came late: 100 bytes were sent before; then 5 more lost on the way.
    worker.accept(message(ownerId, Kind.CHUNK, 100, "abc\n"));
    worker.accept(message(ownerId, Kind.CHUNK, 109, "xyz\n"));
    worker.accept(
        new LiveLogMessage(ownerId, null, Kind.END, 113, null, ActivationStatus.FAILED, true));
    assertEquals(
        List.of("dropped {\"bytes\":100}", "log abc\n", "dropped {\"bytes\":5}", "log xyz\n",
            "end {\"status\":\"failed\",\"logsTruncated\":true}"),
        events(response.get(5, TimeUnit.SECONDS).body().iterator(), 99));
  }

  @Test
  void aFinishedActivationAnswersItsStoredLogsAsTextOrAsEvents() throws Exception {
    String id = "live00000004";
    records.preload(record(id, ownerId, "one\ntwo\n"));
    HttpResponse<String> text =
        http.send(request("/v1/activations/" + id + "/logs", token),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, text.statusCode());
    assertEquals("one\ntwo\n", text.body());
    assertEquals("false", text.headers().firstValue("X-Logs-Truncated").orElseThrow());
    assertTrue(text.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));

    assertEquals(
        List.of("log one\ntwo\n", "end {\"status\":\"success\",\"logsTruncated\":false}"),
        events(follow(id, token).get(5, TimeUnit.SECONDS).body().iterator(), 99));
    assertTrue(feed.followers.isEmpty());

    String other = api.newUserToken();
    assertEquals(404, follow(id, other).get(5, TimeUnit.SECONDS).statusCode());
    assertEquals(404, http.send(request("/v1/activations/" + id + "/logs", other),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void aLostEndIsMadeUpFromTheRecordWithWhatTheStreamMissed() throws Exception {
    String id = "live00000007";
    CompletableFuture<HttpResponse<Stream<String>>> response = follow(id, token);
    Consumer<LiveLogMessage> worker = feed.awaitFollower(id);
    worker.accept(message(ownerId, Kind.CHUNK, 0, "abcd\n"));
    Iterator<String> lines = response.get(5, TimeUnit.SECONDS).body().iterator();
    // Seen live first: a record stored before the follow began would be answered whole instead.
    assertEquals(List.of("log abcd\n"), events(lines, 1));
    // The rest and the end never arrive; the record is written.
    ActivationRecord stored = record(id, ownerId, "abcd\nefgh\n");
    records.preload(stored);
    assertEquals(
        List.of("log efgh\n", "end {\"status\":\"success\",\"logsTruncated\":false}"),
        events(lines, 99));
  }

  @Test
  void aStreamNothingIsHeardOfAndWithNoRecordEndsAsUnknown() throws Exception {
    String id = "live00000008";
    CompletableFuture<HttpResponse<Stream<String>>> response = follow(id, token);
    feed.awaitFollower(id).accept(message(ownerId, Kind.ALIVE, 0, ""));
    // Its worker is gone: ten silences of 300 ms.
    assertEquals(
        List.of("end {\"status\":\"unknown\"}"),
        events(response.get(5, TimeUnit.SECONDS).body().iterator(), 99));
    assertTrue(feed.followers.isEmpty());
  }

  @Test
  void followMustBeTrueOrFalse() throws Exception {
    HttpResponse<String> response =
        http.send(request("/v1/activations/live00000005/logs?follow=yes", token),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, response.statusCode());
    assertTrue(response.body().contains("\"field\":\"follow\""), response.body());
  }

  @Test
  void aSlowReaderLosesEventsNotTheWorker() throws Exception {
    String id = "live00000006";
    CompletableFuture<HttpResponse<Stream<String>>> response = follow(id, token);
    Consumer<LiveLogMessage> worker = feed.awaitFollower(id);
    worker.accept(message(ownerId, Kind.ALIVE, 0, ""));
    HttpResponse<Stream<String>> answered = response.get(5, TimeUnit.SECONDS);
    // The reader reads nothing while the worker sends far more than the buffer and the
    // sockets hold: every call returns at once.
    String padding = "x".repeat(1000);
    long start = System.nanoTime();
    long offset = 0;
    for (int i = 0; i < 20_000; i++) {
      String line = "line " + i + " " + padding + "\n";
      worker.accept(message(ownerId, Kind.CHUNK, offset, line));
      offset += line.length();
    }
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000,
        "the sender was not held back");
    // Its end may be lost with the rest: the record ends the stream then.
    records.preload(record(id, ownerId, ""));
    worker.accept(
        new LiveLogMessage(ownerId, null, Kind.END, offset, null, ActivationStatus.SUCCESS, false));
    List<String> events = events(answered.body().iterator(), Integer.MAX_VALUE);
    assertTrue(events.get(0).startsWith("log line 0 "), events.get(0).substring(0, 20));
    long told =
        events.stream()
            .filter(e -> e.startsWith("dropped "))
            .mapToLong(e -> Long.parseLong(e.replaceAll("\\D", "")))
            .sum();
    long passed =
        events.stream().filter(e -> e.startsWith("log ")).mapToLong(e -> e.length() - 4).sum();
    assertTrue(told > 0, "the reader is told what it lost");
    assertEquals(offset, told + passed, "every byte is either passed on or told lost");
    assertTrue(events.get(events.size() - 1).startsWith("end "), "it ends");
  }

  /**
   * The next {@code count} events of a stream (or all until its end), each as its type, a space
   * and its data (data lines joined with LF); comment lines skipped.
   */
  private static List<String> events(Iterator<String> lines, int count) {
    List<String> events = new ArrayList<>();
    String type = null;
    StringBuilder data = null;
    while (events.size() < count && lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        if (data != null) {
          events.add((type == null ? "message" : type) + " " + data);
        }
        type = null;
        data = null;
      } else if (line.startsWith("event:")) {
        type = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        String value = line.substring(5);
        value = value.startsWith(" ") ? value.substring(1) : value;
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    return events;
  }

  private CompletableFuture<HttpResponse<Stream<String>>> follow(String id, String bearer) {
    return http.sendAsync(
        request("/v1/activations/" + id + "/logs?follow=true", bearer),
        HttpResponse.BodyHandlers.ofLines());
  }

  private HttpRequest request(String path, String bearer) {
    return HttpRequest.newBuilder(api.uri(path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + bearer)
        .GET()
        .build();
  }

  private static LiveLogMessage message(String owner, Kind kind, long offset, String text) {
    return new LiveLogMessage(
        owner, null, kind, offset, text.getBytes(StandardCharsets.UTF_8), null, false);
  }

  private static ActivationRecord record(String id, String owner, String logs) {
    return new ActivationRecord(
        id, owner, "echo", ActivationStatus.SUCCESS, null, 0, new byte[0], logs, false,
        Instant.parse("2025-01-01T00:00:01Z"), 42, "worker-1", false, 3, 1, 38, null, null, null,
        null, null);
  }

  /** The workers' side: the test sends each follower's messages itself. */
  static final class FakeFeed implements LiveLogFeed {
    final Map<String, Consumer<LiveLogMessage>> followers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Consumer<LiveLogMessage>>> arrived =
        new ConcurrentHashMap<>();

    @Override
    public AutoCloseable follow(String activationId, Consumer<LiveLogMessage> onMessage) {
      followers.put(activationId, onMessage);
      arrived.computeIfAbsent(activationId, k -> new CompletableFuture<>()).complete(onMessage);
      return () -> followers.remove(activationId, onMessage);
    }

    Consumer<LiveLogMessage> awaitFollower(String activationId) throws Exception {
      return arrived
          .computeIfAbsent(activationId, k -> new CompletableFuture<>())
          .get(5, TimeUnit.SECONDS);
    }
  }
}
