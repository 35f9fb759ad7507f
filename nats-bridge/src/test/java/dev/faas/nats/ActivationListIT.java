package dev.faas.nats;

import static dev.faas.nats.Activations.at;
import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.record;
import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Listing activations costs what the page holds, not what the owner holds (issue 13): 3,000
 * records with 16 KiB results each, and a page of 50 is 51 direct gets of small summaries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationListIT {
  private static final int RECORDS = 3000;
  private static final int RESULT_BYTES = 16 * 1024;
  // Owners are user ids.
  private static final String HEAVY = Fixtures.uid("heavy");
  private static final String OTHER = Fixtures.uid("other");
  private static final String NOBODY = Fixtures.uid("nobody");
  private static final String GAPPY = Fixtures.uid("gappy");
  private static final String BUSY = Fixtures.uid("busy");
  private static final String KEYED = Fixtures.uid("keyed");

  private BridgeFixture fixture;
  private ActivationStore writer;
  private NatsBridge readerBridge;
  private ActivationStore reader;
  private Connection spy;
  private final Map<String, AtomicInteger> apiCalls = new ConcurrentHashMap<>();
  private final List<String> heavy = new ArrayList<>(); // in the order stored
  private final List<String> heavyAlpha = new ArrayList<>();
  private final List<String> other = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    writer = fixture.ready("writer").activations();
    readerBridge = fixture.ready("reader");
    reader = readerBridge.activations();
    Random random = new Random(13);
    List<CompletableFuture<Void>> batch = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      byte[] result = new byte[RESULT_BYTES];
      random.nextBytes(result);
      String function = i % 3 == 0 ? "alpha" : "beta";
      ActivationRecord r = record(HEAVY, newId(), function, at(i), result);
      heavy.add(r.activationId());
      if (function.equals("alpha")) {
        heavyAlpha.add(r.activationId());
      }
      batch.add(writer.put(r).toCompletableFuture());
      if (i % 100 == 0) {
        ActivationRecord o = record(OTHER, newId(), "alpha", at(i));
        other.add(o.activationId());
        batch.add(writer.put(o).toCompletableFuture());
      }
      if (batch.size() >= 100) {
        await(CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)));
        batch.clear();
      }
    }
    await(CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)));
    spy = Nats.connect(fixture.server.url());
    Dispatcher d = spy.createDispatcher(
        m -> apiCalls.computeIfAbsent(kind(m.getSubject()), k -> new AtomicInteger())
            .incrementAndGet());
    d.subscribe("$JS.API.>");
    spy.flush(Duration.ofSeconds(2));
  }

  @AfterAll
  void stop() throws Exception {
    if (spy != null) {
      spy.close();
    }
    fixture.close();
  }

  @Test
  void aPageOfFiftyReadsFiftyOneSmallSummariesWhateverTheOwnerHolds() throws Exception {
    apiCalls.clear();
    long bytesBefore = readerBridge.connection().getStatistics().getInBytes();
    long start = System.nanoTime();

    ActivationPage page = await(reader.list(HEAVY, null, 50, null));

    long micros = (System.nanoTime() - start) / 1000;
    long bytesRead = readerBridge.connection().getStatistics().getInBytes() - bytesBefore;
    System.out.printf(
        "A page of 50 of %d records (%d MiB of results): %d bytes read in %d us%n",
        RECORDS, RECORDS * RESULT_BYTES / (1024 * 1024), bytesRead, micros);
    assertEquals(newestFirst(heavy).subList(0, 50), ids(page));
    assertNotNull(page.nextCursor());
    page.activations().forEach(r -> assertNull(r.result(), "no result in a listing"));
    page.activations().forEach(r -> assertNull(r.logs(), "no logs in a listing"));
    // 50 records hold 800 KiB of results; their summaries a few hundred bytes each.
    assertTrue(bytesRead < 64 * 1024, "read " + bytesRead + " bytes for a page of 50");
    WaitUntil.waitUntil(
        Duration.ofSeconds(5), "the spy saw the gets", () -> count("DIRECT.GET") >= 51);
    spy.flush(Duration.ofSeconds(2));
    assertEquals(Map.of("DIRECT.GET", 51), counts(), "JetStream API calls of one page of 50");
  }

  @Test
  void pagesReturnEveryRecordOnceNewestFirst() throws Exception {
    assertEquals(newestFirst(heavy), all(HEAVY, null, 200));
    assertEquals(newestFirst(heavy), all(HEAVY, null, 173));
  }

  @Test
  void theFunctionFilterPagesThroughThatFunctionAlone() throws Exception {
    assertEquals(newestFirst(heavyAlpha), all(HEAVY, "alpha", 137));
    assertEquals(ActivationPage.empty(), await(reader.list(HEAVY, "gamma", 50, null)));
  }

  @Test
  void anotherOwnersRecordsNeverAppear() throws Exception {
    assertEquals(newestFirst(other), all(OTHER, null, 7));
    assertEquals(ActivationPage.empty(), await(reader.list(NOBODY, null, 50, null)));
  }

  @Test
  void aCursorOfAnotherListingOrNoCursorAtAllIsRefused() throws Exception {
    String ofOther = await(reader.list(OTHER, null, 1, null)).nextCursor();
    String ofAlpha = await(reader.list(HEAVY, "alpha", 1, null)).nextCursor();
    String ofHeavy = await(reader.list(HEAVY, null, 1, null)).nextCursor();
    failure(reader.list(HEAVY, null, 5, ofOther), ActivationPage.BadCursor.class);
    failure(reader.list(HEAVY, null, 5, ofAlpha), ActivationPage.BadCursor.class);
    failure(reader.list(HEAVY, "beta", 5, ofAlpha), ActivationPage.BadCursor.class);
    failure(reader.list(OTHER, null, 5, ofHeavy), ActivationPage.BadCursor.class);
    for (String junk : List.of("", "junk", "AAAAAAAAAAA", "AAAAAAAAAAAA", "////////////", "x.y")) {
      failure(reader.list(HEAVY, null, 5, junk), ActivationPage.BadCursor.class);
    }
    // A sequence the stream never held (or no longer holds) is the end of the list.
    assertEquals(
        ActivationPage.empty(), await(reader.list(HEAVY, null, 5, IndexCursor.encode(1L << 40))));
  }

  @Test
  void aGapInAChainEndsTheListCleanly() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ActivationRecord r = record(GAPPY, newId(), "f", at(i));
      await(writer.put(r));
      ids.add(r.activationId());
    }
    // The fourth newest summary goes, as when it expires or is removed.
    long seq = lastSequence(ActivationIndex.ownerSubject(GAPPY));
    for (int back = 0; back < 3; back++) {
      seq = RecordCodec.decodeSummary(
              readerBridge.connection().jetStreamManagement()
                  .getMessage(ActivationIndex.STREAM, seq).getData())
          .previous();
    }
    readerBridge.connection().jetStreamManagement().deleteMessage(ActivationIndex.STREAM, seq);

    assertEquals(newestFirst(ids).subList(0, 3), all(GAPPY, null, 50));
    assertEquals(newestFirst(ids).subList(0, 3), all(GAPPY, null, 2));
  }

  @Test
  void writersOnTwoNodesKeepOneChain() throws Exception {
    ActivationStore second = fixture.ready("second-writer").activations();
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 200; i++) {
      ActivationRecord r = record(BUSY, newId(), i % 2 == 0 ? "f" : "g", at(i));
      ids.add(r.activationId());
      puts.add((i % 2 == 0 ? writer : second).put(r).toCompletableFuture());
    }
    await(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));

    List<String> listed = all(BUSY, null, 200);
    assertEquals(200, listed.size(), "every record listed");
    assertEquals(ids.stream().sorted().toList(), listed.stream().sorted().toList());
    assertEquals(100, all(BUSY, "f", 30).size());
    assertEquals(100, all(BUSY, "g", 30).size());
  }

  @Test
  void aKeysListingHoldsWhatItStartedAlone() throws Exception {
    String key = "0123456789abcdef0123";
    String otherKey = "fedcba98765432100123";
    List<String> byKey = new ArrayList<>();
    List<String> byKeyAlpha = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String function = i % 2 == 0 ? "alpha" : "beta";
      String startedBy = i % 3 == 0 ? null : (i % 3 == 1 ? key : otherKey);
      ActivationRecord r = Activations.startedBy(KEYED, newId(), function, at(i), startedBy);
      await(writer.put(r));
      if (key.equals(startedBy)) {
        byKey.add(r.activationId());
        if (function.equals("alpha")) {
          byKeyAlpha.add(r.activationId());
        }
      }
    }

    assertEquals(newestFirst(byKey), all(KEYED, key, null, 4));
    assertEquals(newestFirst(byKeyAlpha), all(KEYED, key, "alpha", 3));
    assertEquals(30, all(KEYED, null, null, 50).size(), "the owner's listing holds every record");
    assertThrows(
        IllegalArgumentException.class, () -> reader.list(KEYED, "not-a-key", null, 5, null));
  }

  private long lastSequence(String subject) throws Exception {
    return readerBridge
        .connection()
        .jetStreamManagement()
        .getLastMessage(ActivationIndex.STREAM, subject)
        .getSeq();
  }

  private List<String> all(String owner, String function, int limit) throws Exception {
    return all(owner, null, function, limit);
  }

  private List<String> all(String owner, String startedBy, String function, int limit)
      throws Exception {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ActivationPage page = await(reader.list(owner, startedBy, function, limit, cursor));
      assertTrue(page.activations().size() <= limit);
      if (page.nextCursor() != null) {
        assertEquals(limit, page.activations().size(), "only the last page is short");
      }
      ids.addAll(ids(page));
      cursor = page.nextCursor();
      assertTrue(++pages < 10_000, "the pages end");
    } while (cursor != null);
    return ids;
  }

  private static List<String> ids(ActivationPage page) {
    return page.activations().stream().map(ActivationRecord::activationId).toList();
  }

  private static List<String> newestFirst(List<String> stored) {
    List<String> copy = new ArrayList<>(stored);
    Collections.reverse(copy);
    return copy;
  }

  // $JS.API.DIRECT.GET.ACTIVATION_INDEX -> DIRECT.GET, $JS.API.CONSUMER.CREATE.X -> CONSUMER.CREATE
  private static String kind(String subject) {
    String[] t = subject.split("\\.");
    return t.length >= 4 ? t[2] + "." + t[3] : subject;
  }

  private int count(String kind) {
    AtomicInteger n = apiCalls.get(kind);
    return n == null ? 0 : n.get();
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> m = new TreeMap<>();
    apiCalls.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }
}
