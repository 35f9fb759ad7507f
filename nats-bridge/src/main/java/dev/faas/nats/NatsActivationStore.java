package dev.faas.nats;

import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.store.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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

  private final KvCalls calls;
  private final Buckets buckets;
  private final Duration timeout;
  private final IndexWriter indexWriter;
  private final IndexReader index;

  /** @param timeout how long a put or a listing may wait for the server */
  NatsActivationStore(KvCalls calls, Buckets buckets, Duration timeout) {
    this.calls = calls;
    this.buckets = buckets;
    this.timeout = timeout;
    this.indexWriter = new IndexWriter(buckets, timeout);
    this.index = new IndexReader(buckets, timeout);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A put is on every activation's way back to its caller, so it is published asynchronously
   * to the bucket's subject (what a key-value put is), with no executor thread waiting for the
   * server's acknowledgement; its two summaries go to the activation index at the same time
   * ({@link IndexWriter}), and the put completes when all three are stored.
   */
  @Override
  public CompletionStage<Void> put(ActivationRecord r) {
    String key = Keys.activation(r.owner(), r.activationId());
    CompletableFuture<Void> stored = new CompletableFuture<>();
    if (!buckets.isReady()) {
      stored.completeExceptionally(
          new StoreException.Unavailable("not connected to NATS: record " + key + " not stored",
              null));
      return stored;
    }
    try {
      RecordCodec.Framed framed = RecordCodec.encode(r, maxValueBytes());
      if (framed.truncated()) {
        log.warn(
            "Activation [{}] stored with its result truncated: the server's max payload is"
                + " below 2 MiB",
            r.activationId());
      }
      CompletableFuture<?> record =
          buckets
              .jetStream()
              .publishAsync("$KV." + Buckets.ACTIVATIONS + "." + key, framed.value());
      CompletableFuture.allOf(record, indexWriter.append(r))
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
   * <p>One watch of the record's key (an ordered consumer: the current value, then each change),
   * closed at the first final value or at the end of the wait; then the record is read once.
   */
  @Override
  public CompletionStage<Optional<ActivationRecord>> awaitFinal(
      String owner, String activationId, Duration wait) {
    String key = Keys.activation(owner, activationId);
    CompletableFuture<Void> finalSeen = new CompletableFuture<>();
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            if (entry.getValue() != null && entry.getValue().length > 0) {
              try {
                if (RecordCodec.decode(entry.getValue()).status().isFinal()) {
                  finalSeen.complete(null);
                }
              } catch (RuntimeException e) {
                finalSeen.complete(null); // read it below and answer what it is
              }
            }
          }

          @Override
          public void endOfData() {}
        };
    // Making and closing the watch are server calls: on the blocking executor, never on the
    // caller's thread or the watch's own.
    return calls
        .run(key, kv -> kv.watch(key, watcher))
        .handle((watch, failure) -> watch)
        .thenCompose(
            watch ->
                watch == null
                    ? get(owner, activationId)
                    : finalSeen
                        .completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                        .thenCompose(
                            v ->
                                calls.run(
                                    key,
                                    kv -> {
                                      watch.unsubscribe();
                                      return null;
                                    }))
                        .handle((v, f) -> null)
                        .thenCompose(v -> get(owner, activationId)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Follows the owner's (or the function's) chain in the activation index, {@code limit + 1}
   * direct gets of small summaries; the records themselves are not read (docs/decisions/0014).
   * Records stored before the index existed are not listed.
   *
   * @throws IllegalArgumentException when {@code limit} is below 1 or a name is invalid
   */
  @Override
  public CompletionStage<ActivationPage> list(
      String owner, String startedBy, String function, int limit, String cursor) {
    String subject = ActivationIndex.listing(owner, startedBy, function);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    CompletableFuture<ActivationPage> page = new CompletableFuture<>();
    index
        .page(subject, limit, cursor)
        .whenComplete(
            (found, failure) -> {
              Throwable cause = unwrap(failure);
              if (failure == null) {
                page.complete(found);
              } else if (cause instanceof ActivationPage.BadCursor
                  || cause instanceof StoreException) {
                page.completeExceptionally(cause);
              } else {
                page.completeExceptionally(
                    new StoreException.Unavailable(
                        "listing " + subject + " failed: " + cause, cause));
              }
            });
    return page;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One purge of the bucket's stream filtered to the owner's subjects: every record goes in a
   * single server call, whatever its number, and no value is read; nothing is left of them, not
   * even a delete marker. Two more purges remove their summaries from the activation index.
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
          JetStreamManagement jsm =
              conn.jetStreamManagement(
                  JetStreamOptions.builder().requestTimeout(timeout).build());
          jsm.purgeStream(
              "KV_" + Buckets.ACTIVATIONS,
              PurgeOptions.subject("$KV." + Buckets.ACTIVATIONS + "." + filter));
          // And their summaries: the owner's chain and every function's chain.
          String chain = ActivationIndex.ownerSubject(owner);
          jsm.purgeStream(ActivationIndex.STREAM, PurgeOptions.subject(chain));
          jsm.purgeStream(ActivationIndex.STREAM, PurgeOptions.subject(chain + ".>"));
          return null;
        });
  }

  private int maxValueBytes() {
    Connection conn = buckets.connection();
    long max = conn == null ? 0 : conn.getMaxPayload();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, max - PAYLOAD_MARGIN));
  }
}
