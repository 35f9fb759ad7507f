package dev.faas.nats;

import java.nio.file.Path;

/**
 * How a node proves who it is to NATS: a user and password of the server's {@code authorization}
 * block, or a credentials file (JWT and NKey seed) of an operator-mode server, or nothing (a
 * loopback server of one machine). What a role's user may read and write is the server's
 * decision (docs/decisions/0018).
 *
 * @param user the NATS user (FAAS_NATS_USER); empty or null: none
 * @param password its password (FAAS_NATS_PASSWORD)
 * @param credsFile a credentials file (FAAS_NATS_CREDS); null: none
 */
public record NatsAuth(String user, String password, Path credsFile) {

  /**
   * @throws IllegalArgumentException when a password comes without a user, or both a user and a
   *     credentials file are given
   */
  public NatsAuth {
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    if (user.isEmpty() && !password.isEmpty()) {
      throw new IllegalArgumentException("a NATS password needs a user (FAAS_NATS_USER)");
    }
    if (!user.isEmpty() && credsFile != null) {
      throw new IllegalArgumentException(
          "give either a NATS user (FAAS_NATS_USER) or a credentials file (FAAS_NATS_CREDS)");
    }
  }

  /** No authentication. */
  public static NatsAuth none() {
    return new NatsAuth(null, null, null);
  }

  /** Whether anything is presented to the server. */
  public boolean isPresent() {
    return !user.isEmpty() || credsFile != null;
  }

  @Override
  public String toString() {
    // Never the password.
    return credsFile != null
        ? "NatsAuth[creds=" + credsFile + "]"
        : user.isEmpty() ? "NatsAuth[none]" : "NatsAuth[user=" + user + "]";
  }
}
