package dev.faas.actors.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Each user's secret for signing completion callbacks (docs/decisions/0026), one entry per user
 * id. A user has one from the first time it is asked for; rotating it keeps the previous one
 * signing alongside for {@link Secrets#OVERLAP}, so receivers can switch without losing a
 * callback. Implementations never block the caller's thread.
 */
public interface CallbackSecretStore {

  /**
   * A user's secrets.
   *
   * @param current the secret callbacks are signed with
   * @param previous the secret before the last rotation; null before any
   * @param rotatedAt when {@code current} was made
   */
  record Secrets(String current, String previous, Instant rotatedAt) {
    /** How long a rotated-out secret still signs. */
    public static final Duration OVERLAP = Duration.ofHours(24);

    /** The secrets a callback sent at {@code now} is signed with: current first. */
    public List<String> signing(Instant now) {
      return previous != null && now.isBefore(rotatedAt.plus(OVERLAP))
          ? List.of(current, previous)
          : List.of(current);
    }
  }

  /** {@code owner}'s secrets, made on first use. */
  CompletionStage<Secrets> get(String owner);

  /** Makes a new current secret for {@code owner}; the old one becomes {@code previous}. */
  CompletionStage<Secrets> rotate(String owner);

  /** Removes {@code owner}'s secrets; completes normally when there were none. */
  CompletionStage<Void> delete(String owner);
}
