package dev.faas.nats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.trace.TraceContext;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Activation requests and worker events as NATS messages: the JSON in one header, the one large
 * binary field as the body, byte for byte.
 *
 * <ul>
 *   <li>request: header {@value #REQUEST_HEADER} is the request without {@code input} and
 *       without its trace context; the body is the input. The trace context, when there is one,
 *       is in the W3C headers {@value TraceContext#TRACEPARENT} and {@value
 *       TraceContext#TRACESTATE} (docs/decisions/0022).
 *   <li>event: header {@value #EVENT_HEADER} is the event with a {@code type} ({@code accepted},
 *       {@code heartbeat}, {@code completed}, {@code dropped}); for {@code completed} its record
 *       comes without {@code result} and the body is the result; otherwise the body is empty.
 * </ul>
 *
 * A null byte array travels as an empty body and comes back empty.
 */
final class MessageCodec {
  static final String REQUEST_HEADER = "Faas-Request";
  static final String EVENT_HEADER = "Faas-Event";
  private static final String[] INPUT = {"input"};
  private static final String[] RESULT = {"record", "result"};

  /** A message's headers and body. */
  record Encoded(Headers headers, byte[] body) {
    /** What the message costs against the server's max payload. */
    int size() {
      return headers.serializedLength() + body.length;
    }
  }

  private MessageCodec() {}

  static Encoded encode(ActivationRequest request) {
    Encoded encoded = encode(REQUEST_HEADER, Wire.tree(request), INPUT);
    inject(request.trace(), encoded.headers());
    return encoded;
  }

  /** @throws UncheckedIOException when the message is not a request */
  static ActivationRequest decodeRequest(Headers headers, byte[] body) {
    return Wire.value(decode(REQUEST_HEADER, headers, body, INPUT), ActivationRequest.class)
        .withTrace(extract(headers));
  }

  /** Puts {@code trace} in {@code headers}; nothing when there is no trace. */
  static void inject(TraceContext trace, Headers headers) {
    if (!trace.present()) {
      return;
    }
    headers.put(TraceContext.TRACEPARENT, trace.traceparent());
    if (trace.tracestate() != null) {
      headers.put(TraceContext.TRACESTATE, trace.tracestate());
    }
  }

  /** The trace context in {@code headers}; {@link TraceContext#NONE} when there is none. */
  static TraceContext extract(Headers headers) {
    return headers == null
        ? TraceContext.NONE
        : TraceContext.of(
            headers.getFirst(TraceContext.TRACEPARENT), headers.getFirst(TraceContext.TRACESTATE));
  }

  static Encoded encode(WorkerEvent event) {
    return encode(EVENT_HEADER, Wire.tree(event), RESULT);
  }

  /** @throws UncheckedIOException when the message is not an event */
  static WorkerEvent decodeEvent(Headers headers, byte[] body) {
    return Wire.value(decode(EVENT_HEADER, headers, body, RESULT), WorkerEvent.class);
  }

  private static Encoded encode(String header, ObjectNode tree, String[] binaryPath) {
    byte[] body = Wire.cut(tree, binaryPath);
    Headers headers =
        new Headers().put(header, new String(Wire.json(tree), StandardCharsets.US_ASCII));
    return new Encoded(headers, body);
  }

  private static ObjectNode decode(
      String header, Headers headers, byte[] body, String[] binaryPath) {
    String json = headers == null ? null : headers.getFirst(header);
    if (json == null) {
      throw new UncheckedIOException(new IOException("no " + header + " header"));
    }
    ObjectNode tree = Wire.parse(json.getBytes(StandardCharsets.US_ASCII));
    Wire.paste(tree, body == null ? new byte[0] : body, binaryPath);
    return tree;
  }
}
