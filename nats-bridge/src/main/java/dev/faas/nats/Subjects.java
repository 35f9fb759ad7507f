package dev.faas.nats;

import dev.faas.actors.model.Names;
import java.util.regex.Pattern;

/**
 * The core NATS subjects of the activation transport. Every token comes from a validated name, so
 * no id can add a token or a wildcard to a subject.
 */
final class Subjects {
  /** Workers announce themselves here; every API node listens. */
  static final String WORKER_HEARTBEAT = "faas.workers.heartbeat";

  private static final String REPLY_PREFIX = "faas.reply.";
  private static final String LOGS_PREFIX = "faas.logs.";
  private static final Pattern NODE_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  private Subjects() {}

  /**
   * A node id fit to be one subject token.
   *
   * @throws IllegalArgumentException when it is not
   */
  static String nodeId(String nodeId) {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "node id must be 1 to 64 letters, digits, '_' or '-': " + nodeId);
    }
    return nodeId;
  }

  /** {@code faas.reply.<nodeId>.<activationId>}: where workers answer for one activation. */
  static String reply(String nodeId, String activationId) {
    if (!Names.isActivationId(activationId)) {
      throw new IllegalArgumentException("invalid activation id: " + activationId);
    }
    return REPLY_PREFIX + nodeId(nodeId) + "." + activationId;
  }

  /**
   * {@code faas.logs.<activationId>}: where a worker sends a running activation's stderr for its
   * followers (docs/decisions/0023).
   */
  static String logs(String activationId) {
    if (!Names.isActivationId(activationId)) {
      throw new IllegalArgumentException("invalid activation id: " + activationId);
    }
    return LOGS_PREFIX + activationId;
  }

  /** Every reply subject of one node: its one subscription. */
  static String replies(String nodeId) {
    return REPLY_PREFIX + nodeId(nodeId) + ".*";
  }

  /** The activation id a reply subject ends with. */
  static String lastToken(String subject) {
    return subject.substring(subject.lastIndexOf('.') + 1);
  }
}
