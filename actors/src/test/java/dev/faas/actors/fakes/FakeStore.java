package dev.faas.actors.fakes;

import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.store.StoreException;
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
  private final AtomicInteger putsToFail = new AtomicInteger();
  private final AtomicInteger getsToFail = new AtomicInteger();
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger deletesToFail = new AtomicInteger();

  /** The next {@code count} puts fail and store nothing, as when NATS is away. */
  public FakeStore failingPuts(int count) {
    putsToFail.set(count);
    return this;
  }

  /** The next {@code count} reads fail, as when NATS is away. */
  public FakeStore failingGets(int count) {
    getsToFail.set(count);
    return this;
  }

  @Override
  public CompletionStage<Void> put(ActivationRecord record) {
    puts.incrementAndGet();
    if (putsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new StoreException.Unavailable("not connected to NATS", null));
    }
    records.put(record.key(), record);
    return CompletableFuture.runAsync(() -> {});
  }

  @Override
  public CompletionStage<Optional<ActivationRecord>> get(String owner, String activationId) {
    gets.incrementAndGet();
    if (getsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new StoreException.Unavailable("not connected to NATS", null));
    }
    return CompletableFuture.completedFuture(
        Optional.ofNullable(records.get(owner + "." + activationId)));
  }

  /** Stores {@code record} as a worker would, without counting a put. */
  public void preload(ActivationRecord record) {
    records.put(record.key(), record);
  }

  public int gets() {
    return gets.get();
  }

  /**
   * Newest first by {@code startedAt}; the cursor is the offset of the next record, so it is only
   * as stable as the records between pages (enough for the API's tests).
   */
  @Override
  public CompletionStage<ActivationPage> list(
      String owner, String startedBy, String function, int limit, String cursor) {
    int from;
    try {
      from = cursor == null ? 0 : Integer.parseInt(cursor);
    } catch (NumberFormatException e) {
      from = -1;
    }
    if (from < 0) {
      return CompletableFuture.failedFuture(new ActivationPage.BadCursor("not a cursor: " + cursor));
    }
    List<ActivationRecord> all =
        records.values().stream()
            .filter(r -> r.owner().equals(owner) && (function == null || r.function().equals(function)))
            .filter(r -> startedBy == null || startedBy.equals(r.startedBy()))
            .sorted(Comparator.comparing(ActivationRecord::startedAt).reversed())
            .map(FakeStore::withoutResultAndLogs)
            .toList();
    int to = Math.min(all.size(), from + limit);
    return CompletableFuture.completedFuture(
        new ActivationPage(
            from >= to ? List.of() : all.subList(from, to),
            to < all.size() ? Integer.toString(to) : null));
  }

  private static ActivationRecord withoutResultAndLogs(ActivationRecord r) {
    return new ActivationRecord(
        r.activationId(), r.owner(), r.function(), r.status(), r.failure(), r.exitCode(), null,
        null, r.logsTruncated(), r.startedAt(), r.durationMs(), r.worker(), r.warm(),
        r.queuedMs(), r.acquireMs(), r.runMs(), r.preCallCpuMs(), r.preCallFrozen());
  }

  /** The next {@code count} deleteAll calls fail and remove nothing, as when NATS is away. */
  public FakeStore failingDeletes(int count) {
    deletesToFail.set(count);
    return this;
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    if (deletesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(
          new StoreException.Unavailable("not connected to NATS", null));
    }
    records.values().removeIf(r -> r.owner().equals(owner));
    return CompletableFuture.completedFuture(null);
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
