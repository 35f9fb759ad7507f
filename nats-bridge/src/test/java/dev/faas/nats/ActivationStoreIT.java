package dev.faas.nats;

import static dev.faas.nats.Activations.assertSameRecord;
import static dev.faas.nats.Activations.at;
import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.record;
import static dev.faas.nats.Activations.withoutResult;
import static dev.faas.nats.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivationStoreIT {
  private BridgeFixture fixture;
  private NatsBridge node;
  private ActivationStore store;

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    node = fixture.ready("node");
    store = node.activations();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aRecordComesBackAsPut() throws Exception {
    ActivationRecord r =
        record(Fixtures.uid("rita"), newId(), "echo", at(0), "ünïcödé\n".getBytes(StandardCharsets.UTF_8));
    await(store.put(r));

    assertSameRecord(r, await(store.get(Fixtures.uid("rita"), r.activationId())).orElseThrow());
    assertEquals(Optional.empty(), await(store.get(Fixtures.uid("rita"), newId())));
    assertEquals(Optional.empty(), await(store.get(Fixtures.uid("other"), r.activationId())));
  }

  @Test
  void aRecordWithAOneMebibyteResultIsKeptWhole() throws Exception {
    byte[] result = new byte[1024 * 1024];
    new Random(5).nextBytes(result);
    ActivationRecord r = record(Fixtures.uid("rita"), newId(), "big", at(0), result);

    await(store.put(r));

    assertSameRecord(r, await(store.get(Fixtures.uid("rita"), r.activationId())).orElseThrow());
  }

  @Test
  void theListIsNewestStoredFirstFilteredAndLimited() throws Exception {
    String lisa = Fixtures.uid("lisa");
    ActivationRecord a1 = record(lisa, newId(), "alpha", at(1));
    ActivationRecord b2 = record(lisa, newId(), "beta", at(2));
    ActivationRecord a3 = record(lisa, newId(), "alpha", at(3));
    ActivationRecord a4 = record(lisa, newId(), "alpha", at(4));
    for (ActivationRecord r : List.of(a1, b2, a3, a4)) {
      await(store.put(r));
    }

    assertEquals(ids(a4, a3, b2, a1), ids(await(store.list(lisa, null, 10, null))));
    assertEquals(ids(a4, a3), ids(await(store.list(lisa, null, 2, null))));
    assertEquals(ids(a4, a3, a1), ids(await(store.list(lisa, "alpha", 10, null))));
    assertEquals(ids(b2), ids(await(store.list(lisa, "beta", 10, null))));
    assertEquals(ActivationPage.empty(), await(store.list(lisa, "gamma", 10, null)));
    ActivationRecord listed = await(store.list(lisa, "alpha", 1, null)).activations().get(0);
    assertEquals(withoutResultAndLogs(a4), withoutResult(listed));
    assertEquals(null, listed.result());
  }

  @Test
  void ownersSeeOnlyTheirOwnRecords() throws Exception {
    ActivationRecord ann = record(Fixtures.ANN, newId(), "f", at(1));
    ActivationRecord anna = record(Fixtures.ANNA, newId(), "f", at(2));
    await(store.put(ann));
    await(store.put(anna));

    assertEquals(ids(ann), ids(await(store.list(Fixtures.ANN, null, 10, null))));
    assertEquals(ids(anna), ids(await(store.list(Fixtures.ANNA, null, 10, null))));
    assertEquals(Optional.empty(), await(store.get(Fixtures.ANN, anna.activationId())));
    assertEquals(ActivationPage.empty(), await(store.list(Fixtures.uid("nobody"), null, 10, null)));
  }

  @Test
  void deleteAllRemovesEveryRecordOfTheOwnerAndNoOneElses() throws Exception {
    String leaving = Fixtures.uid("leaving");
    String staying = Fixtures.uid("staying");
    List<ActivationRecord> theirs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ActivationRecord r = record(leaving, newId(), "f", at(i));
      theirs.add(r);
      await(store.put(r));
    }
    ActivationRecord kept = record(staying, newId(), "f", at(1));
    await(store.put(kept));

    await(store.deleteAll(leaving));
    await(store.deleteAll(leaving)); // again: nothing left is no failure

    assertEquals(ActivationPage.empty(), await(store.list(leaving, null, 100, null)));
    assertEquals(ActivationPage.empty(), await(store.list(leaving, "f", 100, null)));
    for (ActivationRecord r : theirs) {
      assertEquals(Optional.empty(), await(store.get(leaving, r.activationId())));
    }
    assertEquals(List.of(), node.bucket(Buckets.ACTIVATIONS).keys(leaving + ".>"));
    assertEquals(ids(kept), ids(await(store.list(staying, null, 10, null))));
    assertEquals(ids(kept), ids(await(store.list(staying, "f", 10, null))));
  }

  @Test
  void aUsernameIsNoOwner() {
    // Owners are user ids: a name (which a new user may register again) never builds a key.
    assertThrows(IllegalArgumentException.class, () -> store.get("rita", newId()));
    assertThrows(IllegalArgumentException.class, () -> store.list("rita", null, 10, null));
    assertThrows(IllegalArgumentException.class, () -> store.deleteAll("rita"));
    assertThrows(IllegalArgumentException.class, () -> store.deleteAll(">"));
  }

  @Test
  void invalidNamesAreRefusedBeforeTheyReachAKey() {
    assertThrows(IllegalArgumentException.class, () -> store.get(Fixtures.ANN, "ABC.>"));
    assertThrows(IllegalArgumentException.class, () -> store.get("a.b", newId()));
    assertThrows(IllegalArgumentException.class, () -> store.list("ann.*", null, 10, null));
    assertThrows(IllegalArgumentException.class, () -> store.list(Fixtures.ANN, "f.>", 10, null));
    assertThrows(IllegalArgumentException.class, () -> store.list(Fixtures.ANN, null, 0, null));
    assertThrows(
        IllegalArgumentException.class, () -> store.put(record(Fixtures.ANN, "short", "f", at(0))));
  }

  @Test
  void onAServerWithTheDefaultPayloadABigResultIsStoredTruncatedAndFlagged() throws Exception {
    try (BridgeFixture small = new BridgeFixture(NatsTestServer.startWithDefaultPayload())) {
      NatsBridge bridge = small.ready("small");
      byte[] result = new byte[1024 * 1024];
      new Random(9).nextBytes(result);
      ActivationRecord r = record(Fixtures.uid("rita"), newId(), "big", at(0), result);

      await(bridge.activations().put(r));

      byte[] stored = bridge.bucket(Buckets.ACTIVATIONS).get(r.key()).getValue();
      assertTrue(RecordCodec.isTruncated(stored));
      ActivationRecord back = await(bridge.activations().get(Fixtures.uid("rita"), r.activationId())).orElseThrow();
      assertTrue(back.result().length < result.length);
      assertTrue(back.result().length > result.length / 2);
      assertArrayEquals(Arrays.copyOf(result, back.result().length), back.result());
      assertEquals(Activations.withoutResult(r), Activations.withoutResult(back));
      assertFalse(RecordCodec.isTruncated(RecordCodec.encode(r, Integer.MAX_VALUE).value()));
    }
  }

  private static List<String> ids(ActivationRecord... records) {
    return Arrays.stream(records).map(ActivationRecord::activationId).toList();
  }

  private static List<String> ids(ActivationPage page) {
    return page.activations().stream().map(ActivationRecord::activationId).toList();
  }

  private static ActivationRecord withoutResultAndLogs(ActivationRecord r) {
    return Activations.withoutResultAndLogs(r);
  }
}
