package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON shapes of API keys: the key string only in {@link Created}, only once. */
final class KeyViews {
  private KeyViews() {}

  static String scopeOf(ApiKey key) {
    return key.scope().name().toLowerCase(Locale.ROOT);
  }

  record Created(
      String id,
      String name,
      String scope,
      List<String> functions,
      Instant createdAt,
      Instant expiresAt,
      String key) {
    static Created of(ApiKey stored, String key) {
      return new Created(
          stored.id(),
          stored.name(),
          scopeOf(stored),
          stored.functions(),
          stored.createdAt(),
          stored.expiresAt(),
          key);
    }

    @Override
    public String toString() {
      return "Created[id=" + id + "]"; // never the key
    }
  }

  record Listed(
      String id,
      String name,
      String scope,
      List<String> functions,
      Instant createdAt,
      Instant expiresAt,
      Instant lastUsedAt) {
    static Listed of(ApiKey key) {
      return new Listed(
          key.id(),
          key.name(),
          scopeOf(key),
          key.functions(),
          key.createdAt(),
          key.expiresAt(),
          key.lastUsedAt());
    }
  }

  record KeyList(List<Listed> keys) {}
}
