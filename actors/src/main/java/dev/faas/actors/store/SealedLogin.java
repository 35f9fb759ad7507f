package dev.faas.actors.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One user's credentials for one registry host as they are stored: the username in clear (the
 * API lists it), the password only sealed. The store never sees a password; what the seal is made
 * of is the sealer's business, not the store's.
 *
 * @param owner the user the credentials belong to
 * @param host the registry host, {@code host[:port]}
 * @param username the registry username, in clear
 * @param sealedPassword the password as the sealer made it; copied in and out
 * @param updatedAt when they were last written
 */
public record SealedLogin(
    String owner, String host, String username, byte[] sealedPassword, Instant updatedAt) {

  public SealedLogin {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(updatedAt, "updatedAt");
    sealedPassword = sealedPassword.clone();
  }

  @Override
  public byte[] sealedPassword() {
    return sealedPassword.clone();
  }

  // A record compares arrays by reference: two reads of one stored entry must be equal.
  @Override
  public boolean equals(Object o) {
    return o instanceof SealedLogin other
        && owner.equals(other.owner)
        && host.equals(other.host)
        && username.equals(other.username)
        && Arrays.equals(sealedPassword, other.sealedPassword)
        && updatedAt.equals(other.updatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(owner, host, username, Arrays.hashCode(sealedPassword), updatedAt);
  }

  @Override
  public String toString() {
    return "SealedLogin[owner=" + owner + ", host=" + host + ", username=" + username
        + ", sealedPassword=" + sealedPassword.length + " bytes, updatedAt=" + updatedAt + "]";
  }
}
