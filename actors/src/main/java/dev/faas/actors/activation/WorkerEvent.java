package dev.faas.actors.activation;

/** What a worker tells the API node waiting for an activation. */
public sealed interface WorkerEvent {
  String activationId();

  /** A worker took the activation and is getting its container. */
  record Accepted(String activationId, String worker) implements WorkerEvent {}

  /**
   * The worker has the activation's container and starts the function now: its {@code timeoutMs}
   * counts from here (getting the container, a pull included, came before).
   */
  record Running(String activationId) implements WorkerEvent {}

  /** The worker is alive and still running the activation; sent about every second. */
  record Heartbeat(String activationId) implements WorkerEvent {}

  /** The activation is over, whatever the outcome. */
  record Completed(String activationId, ActivationRecord record) implements WorkerEvent {}

  /** The worker dropped the activation without running it (for example: a redelivery). */
  record Dropped(String activationId, String reason, String worker) implements WorkerEvent {
    /** Dropped by a worker that does not say which (older workers). */
    public Dropped(String activationId, String reason) {
      this(activationId, reason, null);
    }
  }
}
