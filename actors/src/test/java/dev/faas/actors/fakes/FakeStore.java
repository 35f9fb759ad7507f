package dev.faas.actors.fakes;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Activation records in memory, keyed as the real store keys them. */
public final class FakeStore implements ActivationStore {
  private final ConcurrentHashMap<String, ActivationRecord> records = new ConcurrentHashMap<>();
  private final AtomicInteger puts = new AtomicInteger();

  @Override
  public CompletionStage<Void> put(ActivationRecord record) {
    puts.incrementAndGet();
    records.put(record.key(), record);
    return CompletableFuture.runAsync(() -> {});
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
            .filter(r -> r.owner().equals(owner) && (function == null || r.function().equals(function)))
            .sorted(Comparator.comparing(ActivationRecord::startedAt).reversed())
            .limit(limit)
            .toList());
  }

  public Optional<ActivationRecord> byId(String activationId) {
    return records.values().stream().filter(r -> r.activationId().equals(activationId)).findFirst();
  }

  public int puts() {
    return puts.get();
  }

  public int size() {
    return records.size();
  }
}
