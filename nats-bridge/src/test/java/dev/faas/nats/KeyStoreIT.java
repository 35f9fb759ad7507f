package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.Fixtures.uid;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.WatchedCache;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyStoreIT {
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");

  private BridgeFixture fixture;
  private NatsBridge nodeA;
  private KeyStore store;
  private KeyStore otherNode;

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    nodeA = fixture.ready("node-a");
    store = nodeA.keys();
    otherNode = fixture.ready("node-b").keys();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aKeyIsFoundByItsIdAloneOnAnotherNodeAndListedUnderItsOwner() throws Exception {
    ApiKey key = key(uid("dora"), "0123456789abcdef0001");
    await(store.create(key));
    assertEquals(key, await(otherNode.find(key.id())).orElseThrow().value());
    assertEquals(Optional.empty(), await(otherNode.find("0123456789abcdef9999")));
    assertEquals(
        List.of(uid("dora") + ".0123456789abcdef0001"),
        nodeA.bucket(Buckets.KEYS).keys(uid("dora") + ".>"));
    await(store.create(key(uid("doran"), "0123456789abcdef0002")));
    assertEquals(
        List.of(key.id()), await(otherNode.list(uid("dora"))).stream().map(k -> k.value().id()).toList());
    failure(store.create(key), StoreException.AlreadyExists.class);
  }

  @Test
  void theStoreNeverHoldsTheSecretOnlyWhatItIsGiven() throws Exception {
    ApiKey key = key(uid("erin"), "0123456789abcdef0003");
    await(store.create(key));
    String stored =
        new String(nodeA.bucket(Buckets.KEYS).get(uid("erin") + "." + key.id()).getValue());
    assertTrue(stored.contains(key.secretHash()), stored);
  }

  @Test
  void aRevokedKeyLeavesEveryWatchAndIsNotBroughtBackByItsLastUse() throws Exception {
    WatchedCache<ApiKey> cache = new WatchedCache<>();
    try (AutoCloseable watch = otherNode.watch(cache)) {
      ApiKey key = key(uid("fred"), "0123456789abcdef0004");
      Versioned<ApiKey> created = await(store.create(key));
      waitUntil(Duration.ofSeconds(5), "the watch sees the key", () -> cache.get(key.id()).isPresent());

      Versioned<ApiKey> touched = await(otherNode.touch(created, T1.plusSeconds(60)));
      assertEquals(T1.plusSeconds(60), touched.value().lastUsedAt());
      waitUntil(
          Duration.ofSeconds(5),
          "the watch sees the use",
          () -> cache.get(key.id()).map(k -> k.value().lastUsedAt() != null).orElse(false));

      assertTrue(await(store.delete(uid("fred"), key.id())));
      assertFalse(await(store.delete(uid("fred"), key.id())));
      waitUntil(Duration.ofSeconds(5), "the watch sees the revoke", () -> cache.get(key.id()).isEmpty());
      failure(otherNode.touch(touched, T1.plusSeconds(120)), StoreException.RevisionConflict.class);
      assertEquals(Optional.empty(), await(store.find(key.id())));
    }
  }

  @Test
  void deleteAllTakesEveryKeyOfTheOwnerAndNoOtherOwners() throws Exception {
    await(store.create(key(uid("gina"), "0123456789abcdef0005")));
    await(store.create(key(uid("gina"), "0123456789abcdef0006")));
    await(store.create(key(uid("ginas"), "0123456789abcdef0007")));
    await(otherNode.deleteAll(uid("gina")));
    assertEquals(List.of(), await(store.list(uid("gina"))));
    assertEquals(1, await(store.list(uid("ginas"))).size());
    await(store.deleteAll(uid("nobody-here")));
  }

  @Test
  void invalidOwnersAndIdsNeverBecomeKeys() {
    assertThrows(IllegalArgumentException.class, () -> store.find("*"));
    assertThrows(IllegalArgumentException.class, () -> store.find("0123456789ABCDEF0001"));
    assertThrows(IllegalArgumentException.class, () -> store.list("a.>"));
    assertThrows(IllegalArgumentException.class, () -> store.list("dora")); // a name, not an id
    assertThrows(IllegalArgumentException.class, () -> store.delete(uid("dora"), "x.y"));
  }

  private static ApiKey key(String owner, String id) {
    return new ApiKey(
        id,
        owner,
        "user",
        "ci of " + owner,
        ApiKey.Scope.INVOKE,
        List.of("echo"),
        T1,
        T1.plusSeconds(3600),
        "ab".repeat(32),
        null);
  }
}
