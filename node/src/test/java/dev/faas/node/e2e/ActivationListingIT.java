package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/activations} through a real node (API.md, "Listing activations", issue 13): one
 * page at a time, without results and logs, with a cursor to the next page, and its parameters
 * checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationListingIT {
  private static final int CALLS = 7;

  @TempDir static Path dir;
  private TestCluster cluster;
  private FaasClient api;
  private FaasClient stranger;
  /** The ids of the "echo" calls, in the order they were answered. */
  private final List<String> echoIds = new ArrayList<>();
  private String otherId;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ActivationListingIT.class);
    NodeProcess node =
        cluster.startAllInOne(Map.of("FAAS_MAX_CONCURRENT", "4", "FAAS_WORKER_SLOTS", "2"));
    String cat = FunctionImages.withCommand("cat", "[\"cat\"]");
    api = TestCluster.signUp(node, "lister");
    stranger = TestCluster.signUp(node, "stranger");
    api.createFunction("echo", cat);
    api.createFunction("other", cat);
    stranger.createFunction("echo", cat);
    Activations.awaitWorker(api, "echo");
    Activations.awaitWorker(stranger, "echo");
    String big = "x".repeat(64 * 1024);
    for (int i = 0; i < CALLS; i++) {
      Reply reply = api.invoke("echo", i + big);
      assertEquals(200, reply.status(), reply::toString);
      echoIds.add(reply.header("X-Activation-Id"));
      if (i == 3) {
        Reply other = api.invoke("other", "between");
        assertEquals(200, other.status(), other::toString);
        otherId = other.header("X-Activation-Id");
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void noContainerIsLeft() throws Exception {
    DockerEngine.awaitNoContainers(cluster.platform(), Activations.REMOVAL);
  }

  @Test
  void aPageHasNoResultNorLogsAndACursorToTheNext() throws Exception {
    Reply first = api.get("/v1/activations?function=echo&limit=3");
    assertEquals(200, first.status(), first::toString);
    JsonNode page = first.json();
    assertEquals(3, page.get("activations").size());
    for (JsonNode record : page.get("activations")) {
      assertFalse(record.has("result"), record::toString);
      assertFalse(record.has("logs"), record::toString);
      assertEquals("echo", record.get("function").asText());
      assertEquals("success", record.get("status").asText());
      assertTrue(record.get("durationMs").asLong() >= 0, record::toString);
      assertTrue(record.has("timings") && record.has("startedAt"), record::toString);
    }
    assertTrue(page.hasNonNull("nextCursor"), page::toString);
    // Far below the 64 KiB each record's result holds.
    assertTrue(first.body().length < 4 * 1024, "a page of 3 is " + first.body().length + " bytes");
    // The record itself still has its result.
    String newest = page.get("activations").get(0).get("activationId").asText();
    assertTrue(Activations.record(api, newest).get("result").asText().startsWith("6x"));
  }

  @Test
  void pagesGiveEveryRecordOnceNewestFirst() throws Exception {
    List<String> expected = new ArrayList<>(echoIds);
    Collections.reverse(expected);
    // Older still: the pings that waited for the worker.
    assertEquals(expected, all("/v1/activations?function=echo&limit=2").subList(0, CALLS));

    List<String> everything = all("/v1/activations?limit=3");
    assertTrue(everything.contains(otherId), everything::toString);
    assertTrue(everything.containsAll(echoIds), everything::toString);
    assertEquals(everything.size(), Set.copyOf(everything).size(), "each record once");
    assertEquals(List.of(otherId), all("/v1/activations?function=other"));
  }

  @Test
  void anotherUserSeesNoneOfThemAndCannotUseTheirCursor() throws Exception {
    List<String> strangers = new ArrayList<>();
    Reply page = stranger.get("/v1/activations?limit=200");
    page.json().get("activations").forEach(r -> strangers.add(r.get("activationId").asText()));
    assertFalse(strangers.stream().anyMatch(echoIds::contains), strangers::toString);

    String cursor = api.get("/v1/activations?limit=1").json().get("nextCursor").asText();
    JsonNode refused =
        Activations.problem(stranger.get("/v1/activations?limit=1&cursor=" + cursor), 400);
    assertEquals("cursor", refused.get("field").asText(), refused::toString);
  }

  @Test
  void parametersOutOfRangeAre400NamingTheField() throws Exception {
    for (String[] bad :
        new String[][] {
          {"limit=0", "limit"}, {"limit=201", "limit"}, {"limit=ten", "limit"},
          {"function=Not.A.Name", "function"}, {"cursor=not-a-cursor", "cursor"},
          {"cursor=AAAAAAAAAAA", "cursor"}
        }) {
      JsonNode problem = Activations.problem(api.get("/v1/activations?" + bad[0]), 400);
      assertEquals("https://faas.dev/problems/validation", problem.get("type").asText(), bad[0]);
      assertEquals(bad[1], problem.get("field").asText(), bad[0]);
    }
    Reply max = api.get("/v1/activations?limit=200");
    assertEquals(200, max.status(), max::toString);
    assertFalse(max.json().has("nextCursor"), "everything fits one page of 200");
    Reply byDefault = api.get("/v1/activations");
    assertEquals(max.json().get("activations"), byDefault.json().get("activations"));
  }

  /** Every id the listing at {@code path} gives, following its cursors. */
  private List<String> all(String path) throws Exception {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 100; pages++) {
      Reply reply = api.get(cursor == null ? path : path + (path.contains("?") ? "&" : "?")
          + "cursor=" + cursor);
      assertEquals(200, reply.status(), reply::toString);
      reply.json().get("activations").forEach(r -> ids.add(r.get("activationId").asText()));
      JsonNode next = reply.json().get("nextCursor");
      if (next == null) {
        return ids;
      }
      cursor = next.asText();
    }
    throw new AssertionError("the pages did not end: " + ids);
  }
}
