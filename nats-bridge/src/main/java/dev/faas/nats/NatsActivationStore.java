package dev.faas.nats;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.model.Names;
import dev.faas.actors.store.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activation records in the {@code activations} bucket (its time-to-live comes from the
 * settings), keyed by {@code <owner>.<activationId>} (the owner a user id), in {@link RecordCodec}'s binary-safe
 * framing. Every method that takes names throws {@link IllegalArgumentException} at once for a
 * name the API grammar does not allow.
 *
 * <p>A record larger than the server's max payload is stored with its result cut to fit and
 * flagged in the stored JSON, rather than not at all (see {@link RecordCodec}).
 */
public final class NatsActivationStore implements ActivationStore {
  private static final Logger log = LoggerFactory.getLogger(NatsActivationStore.class);
  // The key-value publish carries no headers; this covers what the server may count besides.
  private static final int PAYLOAD_MARGIN = 1024;
  private static final Comparator<ActivationRecord> NEWEST_FIRST =
      Comparator.comparing(
              ActivationRecord::startedAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
          .thenComparing(ActivationRecord::activationId)
          .reversed();

  private final KvCalls calls;
  private final Buckets buckets;
  private final Duration timeout;

  /** @param timeout how long a put or a scan may wait for the server */
  NatsActivationStore(KvCalls calls, Buckets buckets, Duration timeout) {
    this.calls = calls;
    this.buckets = buckets;
    this.timeout = timeout;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A put is on every activation's way back to its caller, so it is published asynchronously
   * to the bucket's subject (what a key-value put is), with no executor thread waiting for the
   * server's acknowledgement.
   */
  @Override
  public CompletionStage<Void> put(ActivationRecord record) {
    String key = Keys.activation(record.owner(), record.activationId());
    CompletableFuture<Void> stored = new CompletableFuture<>();
    if (!buckets.isReady()) {
      stored.completeExceptionally(
          new StoreException.Unavailable("not connected to NATS: record " + key + " not stored",
              null));
      return stored;
    }
    try {
      RecordCodec.Framed framed = RecordCodec.encode(record, maxValueBytes());
      if (framed.truncated()) {
        log.warn(
            "Activation [{}] stored with its result truncated: the server's max payload is"
                + " below 2 MiB",
            record.activationId());
      }
      buckets
          .jetStream()
          .publishAsync("$KV." + Buckets.ACTIVATIONS + "." + key, framed.value())
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ack, failure) -> {
                if (failure == null) {
                  stored.complete(null);
                } else {
                  stored.completeExceptionally(
                      new StoreException.Unavailable(
                          "record " + key + " not stored: " + failure, failure));
                }
              });
    } catch (IOException | RuntimeException e) {
      stored.completeExceptionally(
          new StoreException.Unavailable("record " + key + " not stored: " + e, e));
    }
    return stored;
  }

  @Override
  public CompletionStage<Optional<ActivationRecord>> get(String owner, String activationId) {
    String key = Keys.activation(owner, activationId);
    return calls.run(
        key, kv -> Optional.ofNullable(kv.get(key)).map(e -> RecordCodec.decode(e.getValue())));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads every record of the owner (one pass over {@code <owner>.>}) and sorts them by
   * {@code startedAt}: the cost grows with the owner's records within the time-to-live.
   *
   * @throws IllegalArgumentException when {@code limit} is below 1 or a name is invalid
   */
  @Override
  public CompletionStage<List<ActivationRecord>> list(String owner, String function, int limit) {
    String filter = Keys.ownerFilter(owner);
    if (function != null && !Names.isFunctionName(function)) {
      throw new IllegalArgumentException("invalid function name: " + function);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    return calls.run(
        filter,
        kv -> {
          List<ActivationRecord> records = new ArrayList<>();
          for (KeyValueEntry entry : KvScan.scan(kv, filter, timeout)) {
            ActivationRecord r = decodeOrSkip(entry);
            if (r != null && (function == null || function.equals(r.function()))) {
              records.add(r);
            }
          }
          records.sort(NEWEST_FIRST);
          return List.copyOf(records.subList(0, Math.min(limit, records.size())));
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One purge of the bucket's stream filtered to the owner's subjects: every record goes in a
   * single server call, whatever its number, and no value is read; nothing is left of them, not
   * even a delete marker.
   */
  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    String filter = Keys.ownerFilter(owner);
    return calls.run(
        filter,
        kv -> {
          Connection conn = buckets.connection();
          if (conn == null) {
            throw new StoreException.Unavailable("not connected to NATS", null);
          }
          conn.jetStreamManagement(
                  JetStreamOptions.builder().requestTimeout(timeout).build())
              .purgeStream(
                  "KV_" + Buckets.ACTIVATIONS,
                  PurgeOptions.subject("$KV." + Buckets.ACTIVATIONS + "." + filter));
          return null;
        });
  }

  private int maxValueBytes() {
    Connection conn = buckets.connection();
    long max = conn == null ? 0 : conn.getMaxPayload();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, max - PAYLOAD_MARGIN));
  }

  // One corrupt entry must not hide the owner's other records.
  private static ActivationRecord decodeOrSkip(KeyValueEntry entry) {
    try {
      return RecordCodec.decode(entry.getValue());
    } catch (UncheckedIOException e) {
      log.warn(
          "Skipping undecodable activation record [{}]: [{}]", entry.getKey(), e.getMessage());
      return null;
    }
  }
}
