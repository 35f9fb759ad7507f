package dev.faas.actors.activation;

/**
 * One message of an activation's live log, as an API node receives it (docs/decisions/0023).
 *
 * @param owner the user id of the activation's owner: a node forwards only the caller's
 * @param startedBy the id of the API key that started it; null for a token
 * @param kind what the message says
 * @param offset where {@code bytes} start in the activation's stored logs; for {@link Kind#ALIVE}
 *     and {@link Kind#END}, how many bytes were sent before it
 * @param bytes the stderr bytes of a {@link Kind#CHUNK}; empty otherwise
 * @param status the activation's status, on {@link Kind#END}; null otherwise
 * @param truncated on {@link Kind#END}: stderr went past the log cap, the rest was not kept
 */
public record LiveLogMessage(
    String owner,
    String startedBy,
    Kind kind,
    long offset,
    byte[] bytes,
    ActivationStatus status,
    boolean truncated) {

  /** What a message says. */
  public enum Kind {
    /** Bytes of stderr. */
    CHUNK,
    /** Still running. */
    ALIVE,
    /** Over, its record written. */
    END
  }

  public LiveLogMessage {
    bytes = bytes == null ? new byte[0] : bytes;
  }
}
