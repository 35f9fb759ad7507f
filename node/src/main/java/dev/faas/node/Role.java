package dev.faas.node;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a node does: serve the API, run activations, or both. */
public enum Role {
  API,
  WORKER;

  /** Parses {@code "api"}, {@code "worker"} or {@code "api,worker"}. */
  public static Set<Role> parse(String roles) {
    EnumSet<Role> parsed = EnumSet.noneOf(Role.class);
    for (String part : roles.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        parsed.add(Role.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "FAAS_ROLES: unknown role [" + part.trim() + "]; use api, worker or api,worker", e);
      }
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("FAAS_ROLES: no role given; use api, worker or api,worker");
    }
    return parsed;
  }
}
