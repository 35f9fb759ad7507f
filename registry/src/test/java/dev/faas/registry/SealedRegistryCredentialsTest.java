package dev.faas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.faas.actors.fakes.MutableClock;
import dev.faas.actors.image.RegistryEntry;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.store.ConfigStore;
import dev.faas.actors.store.SealedLogin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class SealedRegistryCredentialsTest {
  private static final String PASSWORD = "hunter2-registry-token";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  private final InMemoryCredentialStore store = new InMemoryCredentialStore();
  private final MutableClock clock = new MutableClock(T0);
  private final SealedRegistryCredentials credentials =
      new SealedRegistryCredentials(
          store, new CredentialSealer(CredentialSealerTest.key()), clock);

  @Test
  void aPutOpensAgainAndTheStoreHoldsOnlyTheSeal() {
    join(credentials.put("ann", new RegistryLogin("ghcr.io", "ci-bot", PASSWORD)));

    assertEquals(
        Optional.of(new RegistryLogin("ghcr.io", "ci-bot", PASSWORD)),
        join(credentials.login("ann", "ghcr.io")));
    SealedLogin stored = store.entries.get(InMemoryCredentialStore.key("ann", "ghcr.io"));
    assertEquals("ci-bot", stored.username());
    assertEquals(Instant.parse("2026-03-01T10:00:00.123Z"), stored.updatedAt());
    assertFalse(
        CredentialSealerTest.contains(
            stored.sealedPassword(), PASSWORD.getBytes(StandardCharsets.UTF_8)));
    assertFalse(stored.toString().contains(PASSWORD));
    assertEquals(Optional.empty(), join(credentials.login("ann", "quay.io")));
    assertEquals(Optional.empty(), join(credentials.login("bob", "ghcr.io")));
  }

  @Test
  void aPutReplacesTheHostsCredentialsWhole() {
    join(credentials.put("ann", new RegistryLogin("ghcr.io", "old", "old-password")));
    clock.advance(Duration.ofMinutes(1));
    join(credentials.put("ann", new RegistryLogin("ghcr.io", "new", PASSWORD)));

    assertEquals(
        List.of(new RegistryEntry("ghcr.io", "new", Instant.parse("2026-03-01T10:01:00.123Z"))),
        join(credentials.list("ann")));
    assertEquals(PASSWORD, join(credentials.login("ann", "ghcr.io")).orElseThrow().password());
  }

  @Test
  void listIsSortedByHostAndItsJsonNeverHoldsAPassword() throws Exception {
    for (String host : List.of("quay.io", "ghcr.io", "registry.example:5000")) {
      join(credentials.put("ann", new RegistryLogin(host, "u-" + host, PASSWORD)));
    }
    join(credentials.put("bob", new RegistryLogin("docker.io", "bob", PASSWORD)));

    List<RegistryEntry> entries = join(credentials.list("ann"));

    assertEquals(
        List.of("ghcr.io", "quay.io", "registry.example:5000"),
        entries.stream().map(RegistryEntry::host).toList());
    String json =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .writeValueAsString(entries);
    assertFalse(json.contains(PASSWORD), json);
    assertFalse(json.toLowerCase().contains("password"), json);
    assertTrue(json.contains("u-ghcr.io"), json);
  }

  @Test
  void hostsAreCaseInsensitive() {
    join(credentials.put("ann", new RegistryLogin("Registry.Example:5000", "u", PASSWORD)));

    assertEquals(
        "registry.example:5000",
        join(credentials.login("ann", "REGISTRY.example:5000")).orElseThrow().host());
    assertEquals("registry.example:5000", join(credentials.list("ann")).get(0).host());
    assertTrue(join(credentials.delete("ann", "registry.EXAMPLE:5000")));
    assertEquals(List.of(), join(credentials.list("ann")));
  }

  @Test
  void aSealCopiedToAnotherUsersEntryDoesNotOpen() {
    join(credentials.put("ann", new RegistryLogin("ghcr.io", "ci", PASSWORD)));
    SealedLogin anns = store.entries.get(InMemoryCredentialStore.key("ann", "ghcr.io"));
    join(
        store.put(
            new SealedLogin("bob", "ghcr.io", "ci", anns.sealedPassword(), anns.updatedAt())));
    join(
        store.put(
            new SealedLogin("ann", "quay.io", "ci", anns.sealedPassword(), anns.updatedAt())));

    assertUnopenable(credentials.login("bob", "ghcr.io"));
    assertUnopenable(credentials.login("ann", "quay.io"));
  }

  @Test
  void aUsernameChangedInTheStoreDoesNotOpen() {
    join(credentials.put("ann", new RegistryLogin("ghcr.io", "ci", PASSWORD)));
    SealedLogin anns = store.entries.get(InMemoryCredentialStore.key("ann", "ghcr.io"));
    join(
        store.put(
            new SealedLogin("ann", "ghcr.io", "admin", anns.sealedPassword(), anns.updatedAt())));

    assertUnopenable(credentials.login("ann", "ghcr.io"));
  }

  @Test
  void deleteAndDeleteAllRemoveOnlyWhatTheyName() {
    join(credentials.put("ann", new RegistryLogin("ghcr.io", "a", PASSWORD)));
    join(credentials.put("ann", new RegistryLogin("quay.io", "a", PASSWORD)));
    join(credentials.put("bob", new RegistryLogin("ghcr.io", "b", PASSWORD)));

    assertTrue(join(credentials.delete("ann", "quay.io")));
    assertFalse(join(credentials.delete("ann", "quay.io")));
    join(credentials.deleteAll("ann"));

    assertEquals(List.of(), join(credentials.list("ann")));
    assertEquals(1, join(credentials.list("bob")).size());
  }

  @Test
  void nodesReadingTheKeyFromTheConfigStoreOpenEachOthersSeals() {
    Map<String, byte[]> config = new ConcurrentHashMap<>();
    ConfigStore configStore =
        (key, initial) ->
            CompletableFuture.completedFuture(config.computeIfAbsent(key, k -> initial.get()));

    SealedRegistryCredentials nodeA =
        join(SealedRegistryCredentials.fromConfig(configStore, store, clock));
    SealedRegistryCredentials nodeB =
        join(SealedRegistryCredentials.fromConfig(configStore, store, clock));
    join(nodeA.put("ann", new RegistryLogin("ghcr.io", "ci", PASSWORD)));

    assertEquals(PASSWORD, join(nodeB.login("ann", "ghcr.io")).orElseThrow().password());
    assertEquals(Map.of(), withoutKey(config, SealedRegistryCredentials.KEY_CONFIG));
    assertEquals(
        CredentialSealer.KEY_BYTES, config.get(SealedRegistryCredentials.KEY_CONFIG).length);
    // Another cluster's key (another config store) opens nothing of this one's.
    SealedRegistryCredentials otherCluster =
        join(
            SealedRegistryCredentials.fromConfig(
                (key, initial) -> CompletableFuture.completedFuture(initial.get()), store, clock));
    assertUnopenable(otherCluster.login("ann", "ghcr.io"));
  }

  @Test
  void aConfigStoreThatIsAwayFailsTheBuild() {
    ConfigStore away =
        (key, initial) -> CompletableFuture.failedFuture(new IllegalStateException("away"));

    assertThrows(
        CompletionException.class,
        () -> join(SealedRegistryCredentials.fromConfig(away, store, clock)));
  }

  @Test
  void aLoginNeverShowsItsPassword() {
    assertFalse(new RegistryLogin("ghcr.io", "ci", PASSWORD).toString().contains(PASSWORD));
  }

  private static Map<String, byte[]> withoutKey(Map<String, byte[]> config, String key) {
    Map<String, byte[]> rest = new ConcurrentHashMap<>(config);
    rest.remove(key);
    return rest;
  }

  private static void assertUnopenable(CompletionStage<?> stage) {
    CompletionException e =
        assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
    assertTrue(e.getCause() instanceof UnopenableCredentials, String.valueOf(e.getCause()));
    assertFalse(e.getCause().getMessage().contains(PASSWORD));
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
