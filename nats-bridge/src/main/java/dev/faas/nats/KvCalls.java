package dev.faas.nats;

import dev.faas.actors.store.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
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
}
