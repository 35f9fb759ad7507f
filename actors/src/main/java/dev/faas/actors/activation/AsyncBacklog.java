package dev.faas.actors.activation;

import dev.faas.actors.model.Versioned;
import java.util.Map;
import java.util.Optional;

/**
 * Where asynchronous activations wait, and the compare-and-set writes of their records
 * (docs/decisions/0020). Every method blocks for at most the transport's request timeout: call
 * them on a thread of their own, never on an actor's dispatcher. Failures of the transport are
 * {@link AdmissionRefused.Unavailable} or {@link dev.faas.actors.store.StoreException}.
 */
public interface AsyncBacklog {

  /** One waiting activation and its place (a stream sequence: never reused). */
  record Queued(long sequence, AsyncRequest request) {}

  /** A compare-and-set write lost: somebody else changed the record first. */
  final class Conflict extends RuntimeException {
    public Conflict(String message) {
      super(message);
    }
  }

  /**
   * The activation {@code key} names for {@code owner}: the one remembered within 24 h, or
   * {@code activationId}, remembered now.
   */
  String remember(String owner, String key, String activationId);

  /** Forgets {@code key} (its submission failed after {@link #remember}). */
  void forget(String owner, String key);

  /**
   * Puts {@code request} in the backlog.
   *
   * @return its sequence
   * @throws AdmissionRefused.Full with {@code USER} or {@code CLUSTER} when that backlog is full
   */
  long enqueue(AsyncRequest request);

  /** Messages in the backlog by owner (queued and running ones: they leave when final). */
  Map<String, Long> waiting();

  /** The owner's first message at or after {@code from}. */
  Optional<Queued> next(String owner, long from);

  /** Removes the message of {@code sequence}; one already gone counts as removed. */
  void remove(long sequence);

  /**
   * Takes or renews the dispatcher's lease for {@code holder}; true while {@code holder} has it.
   * A holder that stops renewing loses it after the lease's time to live.
   */
  boolean lease(String holder);

  /** The record of {@code activationId} with its revision. */
  Optional<Versioned<ActivationRecord>> read(String owner, String activationId);

  /** Writes a new record; fails with {@link Conflict} when one exists. @return its revision */
  long create(ActivationRecord record);

  /** Writes {@code record} over revision {@code revision}. @throws Conflict when not current */
  long update(ActivationRecord record, long revision);

  /** Adds a final record's summaries to the listings. */
  void index(ActivationRecord record);
}
