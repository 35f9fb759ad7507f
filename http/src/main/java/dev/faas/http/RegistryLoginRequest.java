package dev.faas.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.model.Names;
import java.util.Set;

/**
 * The body of {@code PUT /v1/registries/{host}}, and the host of every registry path, checked
 * before anything is sealed or stored.
 */
record RegistryLoginRequest(String username, String password) {
  static final int MAX_USERNAME_CHARS = 255;
  static final int MAX_PASSWORD_CHARS = 4096;

  private static final Set<String> FIELDS = Set.of("username", "password");

  @Override
  public String toString() {
    return "RegistryLoginRequest[username=" + username + "]"; // never the password
  }

  static RegistryLoginRequest parse(JsonNode body) {
    JsonFields fields = JsonFields.of(body, FIELDS, Set.of());
    String username = fields.requiredString("username");
    String password = fields.requiredString("password");
    if (username.isEmpty()
        || username.length() > MAX_USERNAME_CHARS
        || username.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidRequest(
          "field 'username' must be 1 to " + MAX_USERNAME_CHARS
              + " characters without control characters");
    }
    if (password.isEmpty() || password.length() > MAX_PASSWORD_CHARS) {
      throw new InvalidRequest(
          "field 'password' must be 1 to " + MAX_PASSWORD_CHARS + " characters");
    }
    return new RegistryLoginRequest(username, password);
  }

  /** {@code host} when it is a registry host; else 400 naming the path's host. */
  static String checkHost(String host) {
    if (!Names.isRegistryHost(host)) {
      throw new InvalidRequest(
          "the registry host in the path must be host[:port] as an image reference names it,"
              + " such as 'docker.io', 'ghcr.io' or 'registry.example:5000'");
    }
    return host;
  }

  /** The login this request stores for {@code host}. */
  RegistryLogin toLogin(String host) {
    return new RegistryLogin(host, username, password);
  }
}
