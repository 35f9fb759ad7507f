package dev.faas.actors.image;

/**
 * A user's credentials for one registry host, in clear: only ever held in memory for the call
 * that uses them. {@link #toString()} never shows the password.
 *
 * @param host the registry host, {@code host[:port]}
 * @param username the registry username
 * @param password the registry password or token
 */
public record RegistryLogin(String host, String username, String password) {
  @Override
  public String toString() {
    return "RegistryLogin[host=" + host + ", username=" + username + ", password=***]";
  }
}
