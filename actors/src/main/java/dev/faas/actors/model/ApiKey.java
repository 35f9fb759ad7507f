package dev.faas.actors.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A user's API key as stored: never the secret, only its hash. The key a client holds is {@code
 * fk_<id>_<secret>}; the id finds this entry, the secret's hash proves the client holds it.
 *
 * @param id random, {@link #isId lowercase hex}, unique; also the last token of the store key
 * @param owner the id of the user it belongs to, as every store of a user's data is keyed: a key
 *     does not outlive its user, even when the name is registered again
 * @param username the user's name, to find the user record (keyed by name) and check its id
 * @param name the user's label for the key
 * @param scope what the key may do
 * @param functions the functions an {@link Scope#INVOKE} key may invoke; empty means all
 * @param createdAt when it was made
 * @param expiresAt when it stops working; null for never
 * @param secretHash SHA-256 of the secret, lowercase hex
 * @param lastUsedAt roughly when it was last accepted (updated at most once a minute); null for
 *     never
 */
public record ApiKey(
    String id,
    String owner,
    String username,
    String name,
    Scope scope,
    List<String> functions,
    Instant createdAt,
    Instant expiresAt,
    String secretHash,
    Instant lastUsedAt) {
  private static final Pattern ID = Pattern.compile("^[0-9a-f]{20}$");

  /** What a key may do besides {@code /v1/auth/verify}. */
  public enum Scope {
    /** Invoke (its listed functions, or all) and read the activations it started. */
    INVOKE,
    /** What a token may do, except managing keys, registries and the user. */
    MANAGE
  }

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(scope, "scope");
    functions = functions == null ? List.of() : List.copyOf(functions);
  }

  /** Whether {@code id} can be a key id: 20 lowercase hex digits (80 random bits). */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Whether the key has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** The same key, last used at {@code at}. */
  public ApiKey usedAt(Instant at) {
    return new ApiKey(
        id, owner, username, name, scope, functions, createdAt, expiresAt, secretHash, at);
  }
}
