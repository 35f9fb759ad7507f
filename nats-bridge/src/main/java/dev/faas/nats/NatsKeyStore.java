package dev.faas.nats;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys in the {@code keys} bucket, keyed by {@code <owner>.<key id>} ({@link Keys#apiKey}), as
 * JSON holding the secret's hash, never the secret. Keyed by owner like every other store of a
 * user, so a user's keys are listed and deleted with one filter; a key presented by a client is
 * found by its id alone ({@code *.<id>}), and the watch hands entries on keyed by id.
 */
public final class NatsKeyStore implements KeyStore {
  private static final Logger log = LoggerFactory.getLogger(NatsKeyStore.class);
  private static final JsonCodec<ApiKey> CODEC = JsonCodec.of(ApiKey.class);

  private final KvCalls calls;
  private final Buckets buckets;
  private final ScheduledExecutorService control;
  private final Duration scanTimeout;

  NatsKeyStore(
      KvCalls calls, Buckets buckets, ScheduledExecutorService control, Duration scanTimeout) {
    this.calls = calls;
    this.buckets = buckets;
    this.control = control;
    this.scanTimeout = scanTimeout;
  }

  @Override
  public CompletionStage<Versioned<ApiKey>> create(ApiKey key) {
    String storeKey = Keys.apiKey(key.owner(), key.id());
    byte[] json = CODEC.encode(key);
    return calls.run(
        storeKey,
        kv -> KvCalls.createNew(kv, storeKey, json, key));
  }

  @Override
  public CompletionStage<Optional<Versioned<ApiKey>>> find(String id) {
    String filter = Keys.apiKeyFilter(id);
    return calls.run(
        filter,
        kv -> decodeAll(KvScan.scan(kv, filter, scanTimeout)).stream().findFirst());
  }

  @Override
  public CompletionStage<List<Versioned<ApiKey>>> list(String owner) {
    String filter = Keys.ownerFilter(owner);
    return calls.run(filter, kv -> decodeAll(KvScan.scan(kv, filter, scanTimeout)));
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String id) {
    String storeKey = Keys.apiKey(owner, id);
    return calls.run(
        storeKey,
        kv -> KvCalls.deleteIfPresent(kv, storeKey));
  }

  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    String filter = Keys.ownerFilter(owner);
    return calls.run(
        filter,
        kv -> KvCalls.deleteEvery(kv, filter, scanTimeout));
  }

  @Override
  public CompletionStage<Versioned<ApiKey>> touch(Versioned<ApiKey> key, Instant at) {
    String storeKey = Keys.apiKey(key.value().owner(), key.value().id());
    ApiKey used = key.value().usedAt(at);
    byte[] json = CODEC.encode(used);
    return calls.run(
        storeKey,
        kv -> {
          try {
            // Compare-and-set: a key deleted meanwhile is not brought back by its last use.
            return new Versioned<>(used, kv.update(storeKey, json, key.revision()));
          } catch (JetStreamApiException e) {
            if (KvCalls.isWrongRevision(e)) {
              throw new StoreException.RevisionConflict(storeKey, key.revision());
            }
            throw e;
          }
        });
  }

  @Override
  public AutoCloseable watch(ChangeListener<ApiKey> listener) {
    return KvWatch.start(buckets, Buckets.KEYS, CODEC, byId(listener), control);
  }

  // The store key is <owner>.<id>; a client's key names only the id.
  private static ChangeListener<ApiKey> byId(ChangeListener<ApiKey> listener) {
    return new ChangeListener<>() {
      @Override
      public void put(String key, Versioned<ApiKey> entry) {
        listener.put(idOf(key), entry);
      }

      @Override
      public void removed(String key, long revision) {
        listener.removed(idOf(key), revision);
      }

      @Override
      public void caughtUp() {
        listener.caughtUp();
      }
    };
  }

  private static String idOf(String storeKey) {
    return storeKey.substring(storeKey.lastIndexOf('.') + 1);
  }

  // One unreadable entry must not hide the owner's other keys.
  private static List<Versioned<ApiKey>> decodeAll(List<KeyValueEntry> entries) {
    List<Versioned<ApiKey>> result = new ArrayList<>(entries.size());
    for (KeyValueEntry entry : entries) {
      try {
        result.add(new Versioned<>(CODEC.decode(entry.getValue()), entry.getRevision()));
      } catch (UncheckedIOException | NullPointerException e) {
        log.warn(
            "Skipping undecodable API key [{}] revision [{}]: [{}]",
            entry.getKey(),
            entry.getRevision(),
            e.getMessage());
      }
    }
    return result;
  }
}
