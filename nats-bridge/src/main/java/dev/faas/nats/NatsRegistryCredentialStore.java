package dev.faas.nats;

import dev.faas.actors.store.RegistryCredentialStore;
import dev.faas.actors.store.SealedLogin;
import io.nats.client.api.KeyValueEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' sealed registry credentials in the {@code registries} bucket, keyed by {@code
 * <owner>.<host in base64url>} (the owner a user id) ({@link Keys#registry}), as JSON. Writes are plain puts: a user's
 * credentials for a host are replaced whole, so the last write wins and there is no revision to
 * hand back. The bucket keeps one value per key, so a replaced seal is gone from the store.
 */
public final class NatsRegistryCredentialStore implements RegistryCredentialStore {
  private static final Logger log = LoggerFactory.getLogger(NatsRegistryCredentialStore.class);
  private static final JsonCodec<RegistryValue> CODEC = JsonCodec.of(RegistryValue.class);

  private final KvCalls calls;
  private final Duration scanTimeout;

  NatsRegistryCredentialStore(KvCalls calls, Duration scanTimeout) {
    this.calls = calls;
    this.scanTimeout = scanTimeout;
  }

  @Override
  public CompletionStage<Void> put(SealedLogin login) {
    String key = Keys.registry(login.owner(), login.host());
    byte[] json =
        CODEC.encode(
            new RegistryValue(login.username(), login.sealedPassword(), login.updatedAt()));
    return calls.run(
        key,
        kv -> {
          kv.put(key, json);
          return null;
        });
  }

  @Override
  public CompletionStage<Optional<SealedLogin>> get(String owner, String host) {
    String key = Keys.registry(owner, host);
    return calls.run(
        key,
        kv -> Optional.ofNullable(kv.get(key)).map(entry -> decode(owner, host, entry)));
  }

  @Override
  public CompletionStage<List<SealedLogin>> list(String owner) {
    String filter = Keys.ownerFilter(owner);
    return calls.run(filter, kv -> decodeAll(owner, KvScan.scan(kv, filter, scanTimeout)));
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String host) {
    String key = Keys.registry(owner, host);
    return calls.run(
        key,
        kv -> KvCalls.deleteIfPresent(kv, key));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every key under the owner goes, readable or not: the user is leaving, and an entry this
   * node cannot decode is still theirs.
   */
  @Override
  public CompletionStage<Void> deleteAll(String owner) {
    String filter = Keys.ownerFilter(owner);
    return calls.run(
        filter,
        kv -> KvCalls.deleteEvery(kv, filter, scanTimeout));
  }

  // One unreadable entry must not hide the owner's other hosts.
  private static List<SealedLogin> decodeAll(String owner, List<KeyValueEntry> entries) {
    List<SealedLogin> result = new ArrayList<>(entries.size());
    for (KeyValueEntry entry : entries) {
      Optional<String> host = Keys.registryHost(entry.getKey());
      if (host.isEmpty()) {
        log.warn("Skipping registry credentials under unreadable key [{}]", entry.getKey());
        continue;
      }
      try {
        result.add(decode(owner, host.get(), entry));
      } catch (UncheckedIOException e) {
        log.warn(
            "Skipping undecodable registry credentials [{}] revision [{}]: [{}]",
            entry.getKey(),
            entry.getRevision(),
            e.getMessage());
      }
    }
    return result;
  }

  private static SealedLogin decode(String owner, String host, KeyValueEntry entry) {
    RegistryValue value = CODEC.decode(entry.getValue());
    if (value.username() == null || value.sealedPassword() == null || value.updatedAt() == null) {
      throw new UncheckedIOException(
          new java.io.IOException("registry credentials without username, seal or time"));
    }
    return new SealedLogin(
        owner, host, value.username(), value.sealedPassword(), value.updatedAt());
  }
}
