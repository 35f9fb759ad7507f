package dev.faas.nats;

import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.UserStore;
import io.nats.client.api.KeyValueEntry;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Users in the {@code users} bucket, keyed by username, as JSON. Deleting a user leaves their
 * functions alone: removing those is the caller's job (the HTTP layer does it).
 */
public final class NatsUserStore implements UserStore {
  private static final JsonCodec<User> CODEC = JsonCodec.of(User.class);

  private final KvCalls calls;
  private final Buckets buckets;
  private final ScheduledExecutorService control;

  NatsUserStore(KvCalls calls, Buckets buckets, ScheduledExecutorService control) {
    this.calls = calls;
    this.buckets = buckets;
    this.control = control;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the username is invalid
   */
  @Override
  public CompletionStage<Versioned<User>> create(User user) {
    String key = Keys.user(user.username());
    byte[] json = CODEC.encode(user);
    return calls.run(
        key,
        kv -> KvCalls.createNew(kv, key, json, user));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the username is invalid
   */
  @Override
  public CompletionStage<Optional<Versioned<User>>> get(String username) {
    String key = Keys.user(username);
    return calls.run(key, kv -> Optional.ofNullable(kv.get(key)).map(NatsUserStore::decode));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the username is invalid
   */
  @Override
  public CompletionStage<Void> delete(String username) {
    String key = Keys.user(username);
    return calls.run(
        key,
        kv -> {
          kv.delete(key);
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>After a reconnect the current entries are delivered again, then {@code caughtUp} again.
   */
  @Override
  public AutoCloseable watch(ChangeListener<User> listener) {
    return KvWatch.start(buckets, Buckets.USERS, CODEC, listener, control);
  }

  private static Versioned<User> decode(KeyValueEntry entry) {
    return new Versioned<>(CODEC.decode(entry.getValue()), entry.getRevision());
  }
}
