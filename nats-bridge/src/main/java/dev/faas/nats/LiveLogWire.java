package dev.faas.nats;

import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLogMessage;
import io.nats.client.impl.Headers;
import java.util.Locale;

/**
 * A live-log message on the wire (docs/decisions/0023): the stderr bytes as the body, raw, and
 * everything else in headers, so an API node can drop another user's message unread.
 */
final class LiveLogWire {
  static final String KIND = "Faas-Log-Kind";
  static final String OWNER = "Faas-Log-Owner";
  static final String STARTED_BY = "Faas-Log-Started-By";
  static final String OFFSET = "Faas-Log-Offset";
  static final String STATUS = "Faas-Log-Status";
  static final String TRUNCATED = "Faas-Log-Truncated";

  private LiveLogWire() {}

  /** The headers of {@code message} (its bytes go as the body). */
  static Headers headers(LiveLogMessage message) {
    Headers headers =
        new Headers()
            .put(KIND, message.kind().name().toLowerCase(Locale.ROOT))
            .put(OWNER, message.owner())
            .put(OFFSET, Long.toString(message.offset()));
    if (message.startedBy() != null) {
      headers.put(STARTED_BY, message.startedBy());
    }
    if (message.status() != null) {
      headers.put(STATUS, message.status().name().toLowerCase(Locale.ROOT));
      headers.put(TRUNCATED, Boolean.toString(message.truncated()));
    }
    return headers;
  }

  /**
   * The message, from its headers and body.
   *
   * @throws IllegalArgumentException when it is not a live-log message
   */
  static LiveLogMessage decode(Headers headers, byte[] body) {
    if (headers == null) {
      throw new IllegalArgumentException("no headers");
    }
    String owner = required(headers, OWNER);
    LiveLogMessage.Kind kind =
        LiveLogMessage.Kind.valueOf(required(headers, KIND).toUpperCase(Locale.ROOT));
    long offset = Long.parseLong(required(headers, OFFSET));
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset");
    }
    String status = headers.getFirst(STATUS);
    return new LiveLogMessage(
        owner,
        headers.getFirst(STARTED_BY),
        kind,
        offset,
        kind == LiveLogMessage.Kind.CHUNK ? body : new byte[0],
        status == null ? null : ActivationStatus.valueOf(status.toUpperCase(Locale.ROOT)),
        Boolean.parseBoolean(headers.getFirst(TRUNCATED)));
  }

  private static String required(Headers headers, String name) {
    String value = headers.getFirst(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name);
    }
    return value;
  }
}
