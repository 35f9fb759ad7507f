package dev.faas.actors.activation;

import java.util.List;
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
   * The owner's records, newest first, at most {@code limit}; only {@code function}'s when it is
   * not null.
   */
  CompletionStage<List<ActivationRecord>> list(String owner, String function, int limit);

  /**
   * Removes every record of {@code owner} (when the user is deleted); completes normally when there
   * were none.
   */
  CompletionStage<Void> deleteAll(String owner);
}
