package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.store.RegistryCredentialStore;
import dev.faas.actors.store.SealedLogin;
import io.nats.client.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryCredentialStoreIT {
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-02T00:00:00Z");

  private BridgeFixture fixture;
  private NatsBridge nodeA;
  private RegistryCredentialStore store;
  private RegistryCredentialStore otherNode;

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    nodeA = fixture.ready("node-a");
    store = nodeA.registryCredentials();
    otherNode = fixture.ready("node-b").registryCredentials();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void putReadsBackOnAnotherNodeAndTheLastWriteWins() throws Exception {
    SealedLogin first = login(Fixtures.CAROL, "registry.example:5000", "ci", "seal-1", T1);
    SealedLogin second = login(Fixtures.CAROL, "registry.example:5000", "deploy", "seal-2", T2);

    await(store.put(first));
    assertEquals(Optional.of(first), await(otherNode.get(Fixtures.CAROL, "registry.example:5000")));
    await(otherNode.put(second));

    Optional<SealedLogin> read = await(store.get(Fixtures.CAROL, "registry.example:5000"));
    assertEquals(Optional.of(second), read);
    assertArrayEquals(bytes("seal-2"), read.get().sealedPassword());
    assertEquals(Optional.empty(), await(store.get(Fixtures.CAROL, "ghcr.io")));
  }

  @Test
  void keysHoldTheHostEncodedSoThatDotsAndColonsDoNotSplitThem() throws Exception {
    await(store.put(login(Fixtures.uid("dora"), "[::1]:5000", "u", "s", T1)));
    await(store.put(login(Fixtures.uid("dora"), "docker.io", "u", "s", T1)));

    List<String> keys = nodeA.bucket(Buckets.REGISTRIES).keys(Fixtures.uid("dora") + ".>");

    assertEquals(2, keys.size(), keys.toString());
    for (String key : keys) {
      assertTrue(key.matches("^" + Fixtures.uid("dora") + "\\.[A-Za-z0-9_-]+$"), key);
    }
    assertEquals(List.of("[::1]:5000", "docker.io"), hosts(await(otherNode.list(Fixtures.uid("dora")))));
  }

  @Test
  void listReturnsOnlyTheOwnersEntriesEvenForAPrefixOwner() throws Exception {
    await(store.put(login(Fixtures.ANN, "ghcr.io", "a", "s", T1)));
    await(store.put(login(Fixtures.ANN, "quay.io", "a", "s", T1)));
    await(store.put(login(Fixtures.ANNA, "ghcr.io", "b", "s", T1)));
    await(store.put(login(Fixtures.ANN, "gone.example", "a", "s", T1)));
    assertTrue(await(store.delete(Fixtures.ANN, "gone.example")));

    assertEquals(List.of("ghcr.io", "quay.io"), hosts(await(otherNode.list(Fixtures.ANN))));
    assertEquals(List.of("ghcr.io"), hosts(await(otherNode.list(Fixtures.ANNA))));
    assertEquals(List.of(), await(store.list(Fixtures.uid("nobody"))));
  }

  @Test
  void deleteSaysWhetherThereWasOne() throws Exception {
    await(store.put(login(Fixtures.uid("fred"), "ghcr.io", "f", "s", T1)));

    assertTrue(await(store.delete(Fixtures.uid("fred"), "ghcr.io")));
    assertFalse(await(store.delete(Fixtures.uid("fred"), "ghcr.io")));
    assertFalse(await(store.delete(Fixtures.uid("fred"), "never.example")));
    assertEquals(Optional.empty(), await(otherNode.get(Fixtures.uid("fred"), "ghcr.io")));
  }

  @Test
  void deleteAllRemovesEveryEntryOfTheOwnerAndNoOneElses() throws Exception {
    await(store.put(login(Fixtures.uid("gil"), "ghcr.io", "g", "s", T1)));
    await(store.put(login(Fixtures.uid("gil"), "quay.io", "g", "s", T1)));
    await(store.put(login(Fixtures.uid("gila"), "ghcr.io", "h", "s", T1)));
    // An entry this node cannot read is still the leaving user's.
    nodeA.bucket(Buckets.REGISTRIES).put(Fixtures.uid("gil") + ".broken", bytes("{oops"));

    await(otherNode.deleteAll(Fixtures.uid("gil")));

    assertEquals(List.of(), nodeA.bucket(Buckets.REGISTRIES).keys("gil.>"));
    assertEquals(List.of("ghcr.io"), hosts(await(store.list(Fixtures.uid("gila")))));
    await(store.deleteAll(Fixtures.uid("nobody")));
  }

  @Test
  void listSkipsEntriesItCannotReadAndReturnsTheRest() throws Exception {
    KeyValue kv = nodeA.bucket(Buckets.REGISTRIES);
    kv.put(Fixtures.OLGA + ".broken", bytes("{oops"));
    kv.put(Keys.registry(Fixtures.OLGA, "bad.example"), bytes("{\"username\":\"x\"}"));
    await(store.put(login(Fixtures.OLGA, "fine.example", "o", "s", T1)));

    assertEquals(List.of("fine.example"), hosts(await(store.list(Fixtures.OLGA))));
  }

  @Test
  void ownersAndHostsOutsideTheGrammarNeverBecomeKeys() {
    assertThrows(IllegalArgumentException.class, () -> store.get(Fixtures.ANN, "registry"));
    assertThrows(IllegalArgumentException.class, () -> store.get(Fixtures.ANN, "a.example/x"));
    assertThrows(IllegalArgumentException.class, () -> store.get("ann.x", "ghcr.io"));
    assertThrows(IllegalArgumentException.class, () -> store.list("ann.>"));
    assertThrows(IllegalArgumentException.class, () -> store.deleteAll("*"));
    assertThrows(
        IllegalArgumentException.class, () -> store.put(login("Ann", "ghcr.io", "u", "s", T1)));
    assertThrows(IllegalArgumentException.class, () -> store.delete(Fixtures.ANN, "*.example"));
  }

  @Test
  void hostsRoundTripThroughTheirKeys() {
    for (String host : List.of("docker.io", "registry.example:5000", "[::1]:5000", "localhost")) {
      assertEquals(Optional.of(host), Keys.registryHost(Keys.registry(Fixtures.ANN, host)), host);
    }
    assertEquals(Optional.empty(), Keys.registryHost("ann.broken"));
    assertEquals(Optional.empty(), Keys.registryHost(Fixtures.ANN));
  }

  private static SealedLogin login(
      String owner, String host, String username, String seal, Instant at) {
    return new SealedLogin(owner, host, username, bytes(seal), at);
  }

  private static List<String> hosts(List<SealedLogin> logins) {
    return logins.stream().map(SealedLogin::host).sorted().toList();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
