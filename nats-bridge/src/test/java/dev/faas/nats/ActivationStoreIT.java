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
  private ActivationStore store;

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    store = fixture.ready("node").activations();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aRecordComesBackAsPut() throws Exception {
    ActivationRecord r =
        record("rita", newId(), "echo", at(0), "ünïcödé\n".getBytes(StandardCharsets.UTF_8));
    await(store.put(r));

    assertSameRecord(r, await(store.get("rita", r.activationId())).orElseThrow());
    assertEquals(Optional.empty(), await(store.get("rita", newId())));
    assertEquals(Optional.empty(), await(store.get("other", r.activationId())));
  }

  @Test
  void aRecordWithAOneMebibyteResultIsKeptWhole() throws Exception {
    byte[] result = new byte[1024 * 1024];
    new Random(5).nextBytes(result);
    ActivationRecord r = record("rita", newId(), "big", at(0), result);

    await(store.put(r));

    assertSameRecord(r, await(store.get("rita", r.activationId())).orElseThrow());
  }

  @Test
  void theListIsNewestStoredFirstFilteredAndLimited() throws Exception {
    ActivationRecord a1 = record("lisa", newId(), "alpha", at(1));
    ActivationRecord b2 = record("lisa", newId(), "beta", at(2));
    ActivationRecord a3 = record("lisa", newId(), "alpha", at(3));
    ActivationRecord a4 = record("lisa", newId(), "alpha", at(4));
    for (ActivationRecord r : List.of(a1, b2, a3, a4)) {
      await(store.put(r));
    }

    assertEquals(ids(a4, a3, b2, a1), ids(await(store.list("lisa", null, 10, null))));
    assertEquals(ids(a4, a3), ids(await(store.list("lisa", null, 2, null))));
    assertEquals(ids(a4, a3, a1), ids(await(store.list("lisa", "alpha", 10, null))));
    assertEquals(ids(b2), ids(await(store.list("lisa", "beta", 10, null))));
    assertEquals(ActivationPage.empty(), await(store.list("lisa", "gamma", 10, null)));
    ActivationRecord listed = await(store.list("lisa", "alpha", 1, null)).activations().get(0);
    assertEquals(withoutResultAndLogs(a4), withoutResult(listed));
    assertEquals(null, listed.result());
  }

  @Test
  void ownersSeeOnlyTheirOwnRecords() throws Exception {
    ActivationRecord ann = record("ann", newId(), "f", at(1));
    ActivationRecord anna = record("anna", newId(), "f", at(2));
    await(store.put(ann));
    await(store.put(anna));

    assertEquals(ids(ann), ids(await(store.list("ann", null, 10, null))));
    assertEquals(ids(anna), ids(await(store.list("anna", null, 10, null))));
    assertEquals(Optional.empty(), await(store.get("ann", anna.activationId())));
    assertEquals(ActivationPage.empty(), await(store.list("nobody", null, 10, null)));
  }

  @Test
  void invalidNamesAreRefusedBeforeTheyReachAKey() {
    assertThrows(IllegalArgumentException.class, () -> store.get("ann", "ABC.>"));
    assertThrows(IllegalArgumentException.class, () -> store.get("a.b", newId()));
    assertThrows(IllegalArgumentException.class, () -> store.list("ann.*", null, 10, null));
    assertThrows(IllegalArgumentException.class, () -> store.list("ann", "f.>", 10, null));
    assertThrows(IllegalArgumentException.class, () -> store.list("ann", null, 0, null));
    assertThrows(
        IllegalArgumentException.class, () -> store.put(record("ann", "short", "f", at(0))));
  }

  @Test
  void onAServerWithTheDefaultPayloadABigResultIsStoredTruncatedAndFlagged() throws Exception {
    try (BridgeFixture small = new BridgeFixture(NatsTestServer.startWithDefaultPayload())) {
      NatsBridge bridge = small.ready("small");
      byte[] result = new byte[1024 * 1024];
      new Random(9).nextBytes(result);
      ActivationRecord r = record("rita", newId(), "big", at(0), result);

      await(bridge.activations().put(r));

      byte[] stored = bridge.bucket(Buckets.ACTIVATIONS).get(r.key()).getValue();
      assertTrue(RecordCodec.isTruncated(stored));
      ActivationRecord back = await(bridge.activations().get("rita", r.activationId())).orElseThrow();
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
