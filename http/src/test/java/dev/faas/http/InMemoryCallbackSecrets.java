package dev.faas.http;

import dev.faas.actors.store.CallbackSecretStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Callback secrets in a map: secrets numbered in the order they are made. */
final class InMemoryCallbackSecrets implements CallbackSecretStore {
  private final Map<String, Secrets> secrets = new ConcurrentHashMap<>();
  private final AtomicInteger made = new AtomicInteger();
  private final Clock clock;

  InMemoryCallbackSecrets(Clock clock) {
    this.clock = clock;
  }

  private String fresh() {
    return "whsec_test" + made.incrementAndGet();
  }

  @Override
  public CompletionStage<Secrets> get(String owner) {
    return CompletableFuture.completedFuture(
        secrets.computeIfAbsent(owner, o -> new Secrets(fresh(), null, clock.instant())));
  }

  @Override
  public CompletionStage<Secrets> rotate(String owner) {
    return CompletableFuture.completedFuture(
        secrets.compute(
            owner,
            (o, old) ->
                new Secrets(fresh(), old == null ? null : old.current(), clock.instant())));
  }

  @Override
  public CompletionStage<Void> delete(String owner) {
    secrets.remove(owner);
    return CompletableFuture.completedFuture(null);
  }

  boolean has(String owner) {
    return secrets.containsKey(owner);
  }
}
