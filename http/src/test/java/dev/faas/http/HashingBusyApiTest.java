package dev.faas.http;

import static dev.faas.http.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Password hashing is bounded: a burst of logins beyond the places gets {@code 503 platform-busy}
 * with {@code Retry-After} at once, while the admitted ones still succeed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HashingBusyApiTest {
  private static final int PLACES = 3;
  private static final int BURST = 12;

  private final ApiFixture api =
      new ApiFixture(
          HttpSettings.defaults(), deps -> List.of(), true, ApiFixture.quietConfig(), PLACES);
  private final ExecutorService clients = Executors.newFixedThreadPool(BURST);

  @AfterAll
  void stop() {
    clients.shutdownNow();
    api.close();
  }

  @Test
  void aBurstBeyondThePlacesIsAnswered503AtOnceWhileTheOthersSucceed() {
    String username = api.uniqueName("busy");
    ApiFixture.check(api.register(username, ApiFixture.PASSWORD), 201);

    // The hashes admitted stay under way until released: the bound is all that answers the rest.
    api.hashing.hold();
    List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      logins.add(
          CompletableFuture.supplyAsync(() -> api.login(username, ApiFixture.PASSWORD), clients));
    }
    awaitDone(logins, BURST - PLACES);
    await(() -> api.hashing.waiting() == PLACES, "the admitted hashes reach the executor");
    assertEquals(BURST - PLACES, logins.stream().filter(CompletableFuture::isDone).count());
    for (CompletableFuture<HttpResponse<String>> login : logins) {
      if (login.isDone()) {
        HttpResponse<String> busy = login.join();
        JsonNode problem = assertProblem(busy, 503);
        assertEquals("https://faas.dev/problems/platform-busy", problem.get("type").asText());
        assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
      }
    }

    api.hashing.release();
    long succeeded =
        logins.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
    assertEquals(PLACES, succeeded);
    // The places are given back: the next login is served.
    ApiFixture.check(api.login(username, ApiFixture.PASSWORD), 200);
  }

  private static void awaitDone(List<CompletableFuture<HttpResponse<String>>> calls, int count) {
    await(
        () -> calls.stream().filter(CompletableFuture::isDone).count() >= count,
        count + " of the burst answered while the hashes are held");
  }

  private static void await(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!condition.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "in time: " + what);
      Thread.onSpinWait();
    }
  }
}
