package dev.faas.actors.activation;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Finished activations, keyed by {@code <owner>.<activationId>} (the owner is a user id), kept for
 * a time-to-live.
 */
public interface ActivationStore {

  CompletionStage<Void> put(ActivationRecord record);

  CompletionStage<Optional<ActivationRecord>> get(String owner, String activationId);

  /**
   * The record as soon as it is final, or as it is after {@code wait}: woken by the record's
   * change, not by polling. The default reads it once.
   */
  default CompletionStage<Optional<ActivationRecord>> awaitFinal(
      String owner, String activationId, Duration wait) {
    return get(owner, activationId);
  }

  /**
   * One page of the owner's records, newest stored first, at most {@code limit}, only {@code
   * function}'s when it is not null; its cost is bounded by {@code limit}, not by how many records
   * the owner has.
   *
   * @param cursor a previous page's {@link ActivationPage#nextCursor()} of the same listing, or
   *     null for the first page
   * @return the page; it fails with {@link ActivationPage.BadCursor} for a cursor this store did
   *     not make for this owner and filter
   * @throws IllegalArgumentException at once for an invalid owner or function name, or a limit
   *     below 1
   */
  default CompletionStage<ActivationPage> list(
      String owner, String function, int limit, String cursor) {
    return list(owner, null, function, limit, cursor);
  }

  /**
   * As {@link #list(String, String, int, String)}, only the records the API key {@code startedBy}
   * started when it is not null (what an {@code invoke} key may list), at the same bounded cost.
   *
   * @throws IllegalArgumentException at once for an invalid owner, key id or function name, or a
   *     limit below 1
   */
  CompletionStage<ActivationPage> list(
      String owner, String startedBy, String function, int limit, String cursor);

  /**
   * Removes every record of {@code owner} (when the user is deleted); completes normally when there
   * were none.
   */
  CompletionStage<Void> deleteAll(String owner);
}
