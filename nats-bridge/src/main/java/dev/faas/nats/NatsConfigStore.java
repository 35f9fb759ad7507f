package dev.faas.nats;

import dev.faas.actors.store.ConfigStore;
import dev.faas.actors.store.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Cluster-wide settings in the {@code config} bucket. Values are kept as the caller's bytes, not
 * JSON: they are opaque here (a signing key), and wrapping them would only add an encoding.
 */
public final class NatsConfigStore implements ConfigStore {
  private final KvCalls calls;

  NatsConfigStore(KvCalls calls) {
    this.calls = calls;
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code initial} runs on the store's executor, and only when the key is absent.
   *
   * @throws IllegalArgumentException when {@code key} is not a plain dot-separated key
   */
  @Override
  public CompletionStage<byte[]> getOrCreate(String key, Supplier<byte[]> initial) {
    String k = Keys.config(key);
    return calls.run(k, kv -> getOrCreate(kv, k, initial));
  }

  private static byte[] getOrCreate(KeyValue kv, String key, Supplier<byte[]> initial)
      throws Exception {
    KeyValueEntry existing = kv.get(key);
    if (existing != null) {
      return existing.getValue();
    }
    byte[] mine = initial.get();
    try {
      kv.create(key, mine);
      return mine;
    } catch (JetStreamApiException e) {
      if (!KvCalls.isWrongRevision(e)) {
        throw e;
      }
    }
    // Another node created it first: everyone must use the value that won.
    KeyValueEntry theirs = kv.get(key);
    if (theirs == null) {
      throw new StoreException.Unavailable("config key [" + key + "] vanished while created", null);
    }
    return theirs.getValue();
  }
}
