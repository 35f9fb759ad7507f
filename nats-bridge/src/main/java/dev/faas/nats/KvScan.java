package dev.faas.nats;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the current entries under a key filter in one pass.
 *
 * <p>{@code kv.keys(filter)} followed by a {@code get} per key would cost a round trip per
 * entry, and {@code keys} itself runs a consumer over the same data: a watch with deletes left
 * out delivers keys, values and revisions together, then says when it has caught up.
 */
final class KvScan {
  private KvScan() {}

  /**
   * The live entries whose key matches {@code filter} (NATS subject wildcards), at most one per
   * key (the newest, should a key change while the scan runs).
   *
   * @throws TimeoutException when the entries have not all arrived within {@code timeout}
   */
  static List<KeyValueEntry> scan(KeyValue kv, String filter, Duration timeout)
      throws Exception {
    return scan(kv, filter, timeout, KeyValueWatchOption.IGNORE_DELETE);
  }

  /**
   * The keys of the live entries {@code filter} matches, their values left on the server.
   *
   * @throws TimeoutException when the keys have not all arrived within {@code timeout}
   */
  static List<String> keys(KeyValue kv, String filter, Duration timeout) throws Exception {
    return scan(kv, filter, timeout, KeyValueWatchOption.IGNORE_DELETE,
            KeyValueWatchOption.META_ONLY)
        .stream()
        .map(KeyValueEntry::getKey)
        .toList();
  }

  private static List<KeyValueEntry> scan(
      KeyValue kv, String filter, Duration timeout, KeyValueWatchOption... options)
      throws Exception {
    Map<String, KeyValueEntry> byKey = new HashMap<>();
    CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    KeyValueWatcher collector =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            synchronized (byKey) {
              byKey.merge(
                  entry.getKey(), entry, (a, b) -> b.getRevision() > a.getRevision() ? b : a);
            }
          }

          @Override
          public void endOfData() {
            caughtUp.complete(null);
          }
        };
    NatsKeyValueWatchSubscription sub =
        kv.watch(filter, collector, options);
    try {
      caughtUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("scan failed", e.getCause());
    } finally {
      sub.unsubscribe();
    }
    synchronized (byKey) {
      return new ArrayList<>(byKey.values());
    }
  }
}
