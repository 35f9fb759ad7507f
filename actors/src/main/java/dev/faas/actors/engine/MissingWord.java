package dev.faas.actors.engine;

import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome.Failed;
import dev.faas.actors.outcome.Outcome.Succeeded;
import dev.faas.actors.outcome.Outcome.TimedOut;
import dev.faas.actors.outcome.Outcome;
import java.util.Optional;

/**
 * What the API node concludes when the word of the worker running an activation went missing
 * (docs/decisions/0009). A caller is told that the worker was lost (503: "retry") only when the
 * node heard nothing over a link that stayed up and the worker recorded no outcome; when the
 * worker recorded one, that is the answer; when nothing can be known in time, the answer is a
 * timeout (504), never "retry".
 */
final class MissingWord {
  private MissingWord() {}

  /** Why the node stopped waiting for the worker's word. */
  enum Why {
    /** No heartbeat for the heartbeat timeout, over a link that stayed up. */
    SILENT,
    /** The activation's result deadline ({@code timeoutMs + resultGrace}) passed. */
    DEADLINE
  }

  /**
   * True when silence watched from {@code from} until {@code now} says something about the
   * worker: the node's link was up at both readings and did not change in between. Otherwise the
   * worker's heartbeats may simply not have reached this node.
   */
  static boolean silenceIsEvidence(Link from, Link now) {
    return from.connected() && now.connected() && from.changes() == now.changes();
  }

  /** The caller's answer once the record was read: {@code record} is empty when there is none. */
  static Outcome answer(String activationId, Why why, Optional<ActivationRecord> record) {
    if (record.isPresent()) {
      return of(record.get());
    }
    return why == Why.SILENT
        ? new Failed(activationId, FailureKind.WORKER_LOST, null, null)
        : unknown(activationId);
  }

  /**
   * The caller's answer when no record could be read in time: the activation may have run, so it
   * is not "retry" but a timeout without a record.
   */
  static Outcome unknown(String activationId) {
    return new TimedOut(activationId, null);
  }

  /** The caller's answer for a record the worker wrote or sent. */
  static Outcome of(ActivationRecord record) {
    return switch (record.status()) {
      case SUCCESS -> new Succeeded(record);
      case TIMEOUT -> new TimedOut(record.activationId(), record);
      case FAILED -> new Failed(record);
      // Never a worker's: an asynchronous activation's record on its way has no outcome yet.
      case QUEUED, RUNNING -> unknown(record.activationId());
    };
  }
}
