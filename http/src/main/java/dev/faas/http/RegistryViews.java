package dev.faas.http;

import dev.faas.actors.image.RegistryEntry;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of the registry credentials' endpoints: never a password. */
final class RegistryViews {
  private RegistryViews() {}

  record RegistryView(String host, String username, Instant updatedAt) {
    static RegistryView of(RegistryEntry entry) {
      return new RegistryView(entry.host(), entry.username(), entry.updatedAt());
    }
  }

  record RegistryList(List<RegistryView> registries) {}
}
