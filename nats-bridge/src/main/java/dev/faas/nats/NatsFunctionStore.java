package dev.faas.nats;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Functions in the {@code functions} bucket, keyed by {@code <owner>.<name>} (the owner a user
 * id), as JSON. Every
 * method that takes names throws {@link IllegalArgumentException} at once for a name the API
 * grammar does not allow.
 */
public final class NatsFunctionStore implements FunctionStore {
  private static final Logger log = LoggerFactory.getLogger(NatsFunctionStore.class);
  private static final JsonCodec<FunctionSpec> CODEC = JsonCodec.of(FunctionSpec.class);
  // A delete retries its compare-and-set this often against concurrent updates, then deletes
  // whatever is there: the caller asked for the function to go, not for one revision of it.
  private static final int DELETE_ATTEMPTS = 3;

  private final KvCalls calls;
  private final Buckets buckets;
  private final ScheduledExecutorService control;
  private final Duration scanTimeout;

  NatsFunctionStore(
      KvCalls calls, Buckets buckets, ScheduledExecutorService control, Duration scanTimeout) {
    this.calls = calls;
    this.buckets = buckets;
    this.control = control;
    this.scanTimeout = scanTimeout;
  }

  @Override
  public CompletionStage<Versioned<FunctionSpec>> create(FunctionSpec function) {
    String key = Keys.function(function.owner(), function.name());
    byte[] json = CODEC.encode(function);
    return calls.run(
        key,
        kv -> KvCalls.createNew(kv, key, json, function));
  }

  @Override
  public CompletionStage<Optional<Versioned<FunctionSpec>>> get(String owner, String name) {
    String key = Keys.function(owner, name);
    return calls.run(key, kv -> Optional.ofNullable(kv.get(key)).map(NatsFunctionStore::decode));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The current entry is read first: JetStream's compare-and-set alone would accept the
   * revision of a delete marker (reviving a deleted function) or revision 0 on a missing key
   * (creating one). The compare-and-set then makes the read and the write one atomic step.
   */
  @Override
  public CompletionStage<Versioned<FunctionSpec>> update(
      FunctionSpec function, long expectedRevision) {
    String key = Keys.function(function.owner(), function.name());
    byte[] json = CODEC.encode(function);
    return calls.run(
        key,
        kv -> {
          KeyValueEntry current = kv.get(key);
          if (current == null || current.getRevision() != expectedRevision) {
            throw new StoreException.RevisionConflict(key, expectedRevision);
          }
          try {
            return new Versioned<>(function, kv.update(key, json, expectedRevision));
          } catch (JetStreamApiException e) {
            if (KvCalls.isWrongRevision(e)) {
              throw new StoreException.RevisionConflict(key, expectedRevision);
            }
            throw e;
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The delete is compare-and-set on the revision just read, so of two concurrent deletes
   * exactly one answers true.
   */
  @Override
  public CompletionStage<Boolean> delete(String owner, String name) {
    String key = Keys.function(owner, name);
    return calls.run(key, kv -> deleteExisting(kv, key));
  }

  private static boolean deleteExisting(KeyValue kv, String key) throws Exception {
    for (int attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      KeyValueEntry current = kv.get(key);
      if (current == null) {
        return false;
      }
      try {
        kv.delete(key, current.getRevision());
        return true;
      } catch (JetStreamApiException e) {
        if (!KvCalls.isWrongRevision(e)) {
          throw e;
        }
      }
    }
    kv.delete(key);
    return true;
  }

  @Override
  public CompletionStage<List<Versioned<FunctionSpec>>> list(String owner) {
    String filter = Keys.ownerFilter(owner);
    return calls.run(filter, kv -> decodeAll(KvScan.scan(kv, filter, scanTimeout)));
  }

  // One corrupt entry must not hide the owner's other functions; the watch skips it likewise.
  private static List<Versioned<FunctionSpec>> decodeAll(List<KeyValueEntry> entries) {
    List<Versioned<FunctionSpec>> result = new ArrayList<>(entries.size());
    for (KeyValueEntry entry : entries) {
      try {
        result.add(decode(entry));
      } catch (UncheckedIOException e) {
        log.warn(
            "Skipping undecodable function [{}] revision [{}]: [{}]",
            entry.getKey(),
            entry.getRevision(),
            e.getMessage());
      }
    }
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>After a reconnect the current entries are delivered again, then {@code caughtUp} again.
   */
  @Override
  public AutoCloseable watch(ChangeListener<FunctionSpec> listener) {
    return KvWatch.start(buckets, Buckets.FUNCTIONS, CODEC, listener, control);
  }

  private static Versioned<FunctionSpec> decode(KeyValueEntry entry) {
    return new Versioned<>(CODEC.decode(entry.getValue()), entry.getRevision());
  }
}
