package dev.faas.nats;

import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs blocking key-value calls on the blocking executor and turns whatever jnats throws into
 * the store's outcomes. Each store holds one, bound to its bucket.
 */
final class KvCalls {
  /** JetStream's "wrong last sequence": a create found the key, or an update a newer revision. */
  static final int WRONG_LAST_SEQUENCE = 10071;

  /** One blocking call against a bucket handle. */
  @FunctionalInterface
  interface KvCall<T> {
    T apply(KeyValue kv) throws Exception;
  }

  private final Buckets buckets;
  private final String bucket;
  private final Executor blocking;

  KvCalls(Buckets buckets, String bucket, Executor blocking) {
    this.buckets = buckets;
    this.bucket = bucket;
    this.blocking = blocking;
  }

  /**
   * Runs {@code call} on the blocking executor. The future fails with the {@link StoreException}
   * itself, not wrapped in a {@code CompletionException}, so a caller's {@code whenComplete} sees
   * the outcome directly; anything that is not already a {@link StoreException} becomes {@link
   * StoreException.Unavailable}.
   */
  <T> CompletableFuture<T> run(String key, KvCall<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      blocking.execute(() -> complete(result, key, call));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new StoreException.Unavailable("store executor shut down", e));
    }
    return result;
  }

  private <T> void complete(CompletableFuture<T> result, String key, KvCall<T> call) {
    try {
      result.complete(call.apply(buckets.kv(bucket)));
    } catch (StoreException e) {
      result.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(unavailable(key, e));
    } catch (Exception e) {
      result.completeExceptionally(unavailable(key, e));
    }
  }

  private StoreException.Unavailable unavailable(String key, Exception e) {
    return new StoreException.Unavailable(
        "key-value call on [" + bucket + "/" + key + "] failed: " + e.getMessage(), e);
  }

  static boolean isWrongRevision(JetStreamApiException e) {
    return e.getApiErrorCode() == WRONG_LAST_SEQUENCE;
  }

  /**
   * Writes {@code value} (encoded as {@code json}) under {@code key} only if the key holds
   * nothing: the store's create-if-absent, one server call.
   *
   * @throws StoreException.AlreadyExists when the key holds a value
   */
  static <T> Versioned<T> createNew(KeyValue kv, String key, byte[] json, T value)
      throws IOException, JetStreamApiException {
    try {
      return new Versioned<>(value, kv.create(key, json));
    } catch (JetStreamApiException e) {
      if (isWrongRevision(e)) {
        throw new StoreException.AlreadyExists(key);
      }
      throw e;
    }
  }

  /** Deletes {@code key}; false when it held nothing. */
  static boolean deleteIfPresent(KeyValue kv, String key)
      throws IOException, JetStreamApiException {
    if (kv.get(key) == null) {
      return false;
    }
    kv.delete(key);
    return true;
  }

  /** Deletes every key {@code filter} matches, readable or not, scanning within {@code timeout}. */
  static Void deleteEvery(KeyValue kv, String filter, Duration timeout) throws Exception {
    for (KeyValueEntry entry : KvScan.scan(kv, filter, timeout)) {
      kv.delete(entry.getKey());
    }
    return null;
  }
}
