package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.runtime.Container;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * What a {@link RunnerActor} knows in each of its states, handed whole to the next one: each
 * behaviour method takes its state's record and nothing else changes (Pekko's "functional style").
 */
sealed interface RunnerState {

  /** Waiting for a container since {@code timings.acquireStart()}. */
  record Acquiring(Timings timings) implements RunnerState {}

  /**
   * The container got its input and its output is being read.
   *
   * @param killSwitch ends the output's stream early (at a timeout, a stop, a crash)
   * @param deadlineHit the function's timeout passed and the container was killed for it
   */
  record Running(Container container, boolean warm, Timings timings, UniqueKillSwitch killSwitch,
      boolean deadlineHit) implements RunnerState {

    Running atDeadline() {
      return new Running(container, warm, timings, killSwitch, true);
    }
  }

  /**
   * The output is all read (within its cap); the process's exit is awaited for its code.
   *
   * @param deadlineHit the function's timeout passed meanwhile and the container was killed
   */
  record AwaitingExit(Container container, boolean warm, Timings timings, OutputCapture capture,
      boolean deadlineHit) implements RunnerState {

    AwaitingExit atDeadline() {
      return new AwaitingExit(container, warm, timings, capture, true);
    }
  }

  /**
   * The verdict is in the record: writing it and acking the item (retried while NATS is away),
   * answering, and removing the container; the runner stops once it has answered and the
   * container is gone.
   *
   * @param container the activation's container; null when none came (yet: one may come late)
   * @param answered the final event went out: no more heartbeats
   */
  record Finishing(ActivationRecord record, Container container, Settling settling,
      Removal removal, boolean answered) implements RunnerState {

    static Finishing started(ActivationRecord record, Container container) {
      return new Finishing(record, container, Settling.firstAttempts(), Removal.NOT_STARTED, false);
    }

    Finishing with(Settling next) {
      return new Finishing(record, container, next, removal, answered);
    }

    Finishing with(Removal next) {
      return new Finishing(record, container, settling, next, answered);
    }

    /** A container that came after the acquire's deadline, to be removed all the same. */
    Finishing withLate(Container late) {
      return new Finishing(record, late, settling, removal, answered);
    }

    Finishing answeredNow() {
      return new Finishing(record, container, settling, removal, true);
    }

    /** Answered and its container gone: the runner's work is over. */
    boolean over() {
      return answered && removal.over();
    }
  }

  /** How far the container's removal got. */
  enum Removal {
    NOT_STARTED,
    /** There was no container to remove (so far). */
    NOTHING_TO_REMOVE,
    STARTED,
    /** Removed, or given up on after its timeout (the worker's sweep removes what is left). */
    DONE;

    boolean started() {
      return this == STARTED || this == DONE;
    }

    boolean over() {
      return this == NOTHING_TO_REMOVE || this == DONE;
    }
  }
}
