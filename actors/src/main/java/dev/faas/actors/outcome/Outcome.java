package dev.faas.actors.outcome;

import dev.faas.actors.activation.ActivationRecord;

/**
 * The one answer a synchronous activation's caller gets: it succeeded, or it is a {@link Failure}
 * whose {@link Failure#fault() fault} is the function's or the platform's. The permitted types
 * are the whole vocabulary: whoever maps an outcome (to HTTP, to a metric) handles each of them.
 */
public sealed interface Outcome permits Outcome.Succeeded, Outcome.Failure {

  String activationId();

  /** A failure, the function's or the platform's. */
  sealed interface Failure extends Outcome
      permits Failed, TimedOut, Rejected, Unavailable {
    Fault fault();
  }

  /** The function ran and exited 0: its result is {@code record.result()}. */
  record Succeeded(ActivationRecord record) implements Outcome {
    @Override
    public String activationId() {
      return record.activationId();
    }
  }

  /**
   * The activation failed; {@code failure} says why and whose fault it is.
   *
   * @param exitCode the container's exit code, when there was one
   * @param record the worker's record, or null when no worker reported and none recorded an
   *     outcome (a lost worker)
   */
  record Failed(String activationId, FailureKind failure, Integer exitCode, ActivationRecord record)
      implements Failure {
    public Failed(ActivationRecord record) {
      this(record.activationId(), record.failure(), record.exitCode(), record);
    }

    /** A record without a failure kind (written by an older worker) counts as the platform's. */
    public FailureKind kind() {
      return failure == null ? FailureKind.PLATFORM_ERROR : failure;
    }

    @Override
    public Fault fault() {
      return kind().fault();
    }
  }

  /**
   * The function ran past its timeout. {@code record} is null when the worker never reported and
   * the API node's own deadline ran out with no record to read: the outcome is unknown, and the
   * activation may have run.
   */
  record TimedOut(String activationId, ActivationRecord record) implements Failure {
    @Override
    public Fault fault() {
      return Fault.FUNCTION;
    }
  }

  /**
   * The maximum of concurrent activations is reached (this node's, the cluster's, the user's or
   * the function's: {@code limit}); nothing ran.
   * The platform's: the same call later may well run.
   */
  record Rejected(String activationId, LimitReached limit) implements Failure {
    public Rejected {
      limit = limit == null ? LimitReached.CLUSTER : limit;
    }

    /** Refused by the cluster's limit. */
    public Rejected(String activationId) {
      this(activationId, LimitReached.CLUSTER);
    }

    @Override
    public Fault fault() {
      return Fault.PLATFORM;
    }
  }

  /** No worker could take the activation, or the queue is unreachable; nothing ran. */
  record Unavailable(String activationId, String reason) implements Failure {
    @Override
    public Fault fault() {
      return Fault.PLATFORM;
    }
  }
}
