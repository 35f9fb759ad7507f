package dev.faas.actors.fakes;

import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.image.RegistryEntry;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registry credentials in memory, in clear, keyed by owner and host: for tests of what uses the
 * port (the API's routes, the image resolver), not of how credentials are sealed.
 */
public final class FakeRegistryCredentials implements RegistryCredentials {
  private record Stored(RegistryLogin login, Instant updatedAt) {}

  private final Map<String, Map<String, Stored>> byOwner = new ConcurrentHashMap<>();
  private final Clock clock;
  private final AtomicBoolean unavailable = new AtomicBoolean();

  /** @param clock the time of each entry's {@code updatedAt} */
  public FakeRegistryCredentials(Clock clock) {
    this.clock = clock;
  }

  /** Every call fails from now on as when the store is away, until called with false. */
  public FakeRegistryCredentials unavailable(boolean away) {
    unavailable.set(away);
    return this;
  }

  @Override
  public CompletionStage<Void> put(String owner, RegistryLogin login) {
    return answer(
        () -> {
          byOwner
              .computeIfAbsent(owner, o -> new ConcurrentHashMap<>())
              .put(
                  login.host(),
                  new Stored(login, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
          return null;
        });
  }

  @Override
  public CompletionStage<List<RegistryEntry>> list(String owner) {
    return answer(
        () ->
            byOwner.getOrDefault(owner, Map.of()).values().stream()
                .map(
                    s ->
                        new RegistryEntry(s.login().host(), s.login().username(), s.updatedAt()))
                .sorted(Comparator.comparing(RegistryEntry::host))
                .toList());
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String host) {
    return answer(
        () -> {
          Map<String, Stored> hosts = byOwner.get(owner);
          return hosts != null && hosts.remove(host) != null;
        });
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    return answer(
        () -> {
          byOwner.remove(owner);
          return null;
        });
  }

  @Override
  public CompletionStage<Optional<RegistryLogin>> login(String owner, String host) {
    return answer(
        () -> Optional.ofNullable(byOwner.getOrDefault(owner, Map.of()).get(host)).map(Stored::login));
  }

  private <T> CompletionStage<T> answer(java.util.function.Supplier<T> body) {
    if (unavailable.get()) {
      return CompletableFuture.failedFuture(
          new StoreException.Unavailable("not connected to NATS", null));
    }
    // Asynchronous like the real store, so callers cannot rely on completing on their own thread.
    return CompletableFuture.supplyAsync(body);
  }
}
