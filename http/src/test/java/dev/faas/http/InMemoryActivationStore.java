package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Activation records in a map, keyed like the real store. */
final class InMemoryActivationStore implements ActivationStore {
  private final Map<String, ActivationRecord> records = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> put(ActivationRecord record) {
    records.put(record.key(), record);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<ActivationRecord>> get(String owner, String activationId) {
    return CompletableFuture.completedFuture(
        Optional.ofNullable(records.get(owner + "." + activationId)));
  }

  @Override
  public CompletionStage<List<ActivationRecord>> list(String owner, String function, int limit) {
    return CompletableFuture.completedFuture(
        records.values().stream()
            .filter(r -> r.owner().equals(owner))
            .filter(r -> function == null || r.function().equals(function))
            .sorted(Comparator.comparing(ActivationRecord::startedAt).reversed())
            .limit(limit)
            .toList());
  }
}
