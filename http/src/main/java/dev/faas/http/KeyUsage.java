package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.WatchedCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code lastUsedAt} of API keys roughly current without a store write per call: a key's
 * use is written when its stored {@code lastUsedAt} is older than {@link #INTERVAL}, at most once
 * per interval per key from this node, in the background (the request never waits for it).
 */
final class KeyUsage {
  static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(KeyUsage.class);

  private final KeyStore store;
  private final WatchedCache<ApiKey> keys;
  private final Clock clock;
  private final ConcurrentHashMap<String, Instant> written = new ConcurrentHashMap<>();

  KeyUsage(KeyStore store, WatchedCache<ApiKey> keys, Clock clock) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
  }

  void used(Versioned<ApiKey> key) {
    Instant now = clock.instant();
    Instant last = key.value().lastUsedAt();
    if (last != null && last.plus(INTERVAL).isAfter(now)) {
      return;
    }
    String id = key.value().id();
    Instant mine = written.get(id);
    if (mine != null && mine.plus(INTERVAL).isAfter(now)) {
      return;
    }
    if (mine == null ? written.putIfAbsent(id, now) != null : !written.replace(id, mine, now)) {
      return; // another request of this key is writing it
    }
    store
        .touch(key, now)
        .whenComplete(
            (touched, error) -> {
              if (error == null) {
                keys.put(id, touched);
              } else {
                // Revoked or changed meanwhile, or the store is away: the next use tries again.
                log.debug("lastUsedAt of key [{}] not written: [{}]", id, error.getMessage());
              }
            });
  }
}
