package dev.faas.nats;

import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.store.StoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Users' callback signing secrets (docs/decisions/0026) in the {@code config} bucket under {@code
 * callback-secret.<owner>}: API nodes read and write it; workers, which may read only the
 * registry key of that bucket, cannot (docs/decisions/0018). Made on first use with
 * create-if-absent, so two nodes asked at once agree; rotated with compare-and-set.
 */
final class NatsCallbackSecrets implements CallbackSecretStore {
  private static final JsonCodec<Secrets> CODEC = JsonCodec.of(Secrets.class);
  private static final int ROUNDS = 5;

  private final KvCalls calls;
  private final Supplier<String> fresh;
  private final Clock clock;

  /** @param fresh makes a new random secret */
  NatsCallbackSecrets(KvCalls calls, Supplier<String> fresh, Clock clock) {
    this.calls = calls;
    this.fresh = fresh;
    this.clock = clock;
  }

  static String key(String owner) {
    return Keys.config("callback-secret") + "." + Keys.owner(owner);
  }

  @Override
  public CompletionStage<Secrets> get(String owner) {
    String k = key(owner);
    return calls.run(k, kv -> getOrCreate(kv, k));
  }

  private Secrets getOrCreate(KeyValue kv, String k) throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      KeyValueEntry e = kv.get(k);
      if (e != null && e.getValue() != null) {
        return CODEC.decode(e.getValue());
      }
      Secrets made = new Secrets(fresh.get(), null, now());
      try {
        kv.create(k, CODEC.encode(made));
        return made;
      } catch (JetStreamApiException ex) {
        if (!KvCalls.isWrongRevision(ex)) {
          throw ex;
        }
      }
    }
    throw new StoreException.Unavailable("callback secret of [" + k + "] keeps changing", null);
  }

  @Override
  public CompletionStage<Secrets> rotate(String owner) {
    String k = key(owner);
    return calls.run(
        k,
        kv -> {
          for (int i = 0; i < ROUNDS; i++) {
            KeyValueEntry e = kv.get(k);
            try {
              if (e == null || e.getValue() == null) {
                Secrets made = new Secrets(fresh.get(), null, now());
                kv.create(k, CODEC.encode(made));
                return made;
              }
              Secrets old = CODEC.decode(e.getValue());
              Secrets made = new Secrets(fresh.get(), old.current(), now());
              kv.update(k, CODEC.encode(made), e.getRevision());
              return made;
            } catch (JetStreamApiException ex) {
              if (!KvCalls.isWrongRevision(ex)) {
                throw ex;
              }
            }
          }
          throw new StoreException.Unavailable("callback secret of [" + k + "] keeps changing",
              null);
        });
  }

  @Override
  public CompletionStage<Void> delete(String owner) {
    String k = key(owner);
    return calls.run(
        k,
        kv -> {
          KvCalls.deleteIfPresent(kv, k);
          return null;
        });
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
