package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.trace.TraceContext;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request's trace context travels in the message's own W3C headers (docs/decisions/0022): put
 * there on the API node, read back on the worker, never in the request's JSON.
 */
class TraceHeadersTest {
  private static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String STATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

  private static ActivationRequest request(TraceContext trace) {
    return Activations.request(Activations.newId(), "in".getBytes(StandardCharsets.UTF_8),
            "faas.reply.node-1.abcdef12")
        .withTrace(trace);
  }

  @Test
  void traceparentAndTracestateAreMessageHeadersAndComeBack() {
    ActivationRequest request = request(new TraceContext(PARENT, STATE));

    MessageCodec.Encoded encoded = MessageCodec.encode(request);

    assertEquals(PARENT, encoded.headers().getFirst("traceparent"));
    assertEquals(STATE, encoded.headers().getFirst("tracestate"));
    String json = encoded.headers().getFirst(MessageCodec.REQUEST_HEADER);
    assertFalse(json.contains("trace"), json);
    ActivationRequest decoded = MessageCodec.decodeRequest(encoded.headers(), encoded.body());
    assertEquals(new TraceContext(PARENT, STATE), decoded.trace());
    assertEquals(request.activationId(), decoded.activationId());
  }

  @Test
  void aTraceWithoutStateHasNoTracestateHeader() {
    MessageCodec.Encoded encoded = MessageCodec.encode(request(new TraceContext(PARENT, null)));

    assertEquals(PARENT, encoded.headers().getFirst("traceparent"));
    assertNull(encoded.headers().get("tracestate"));
    assertEquals(
        new TraceContext(PARENT, null),
        MessageCodec.decodeRequest(encoded.headers(), encoded.body()).trace());
  }

  @Test
  void anUntracedRequestHasNoTraceHeadersAndDecodesUntraced() {
    MessageCodec.Encoded encoded = MessageCodec.encode(request(TraceContext.NONE));

    assertNull(encoded.headers().get("traceparent"));
    assertNull(encoded.headers().get("tracestate"));
    assertEquals(
        TraceContext.NONE, MessageCodec.decodeRequest(encoded.headers(), encoded.body()).trace());
  }

  @Test
  void aMessageFromANodeBeforeTracesDecodesUntraced() {
    // What a node without traces sent: the request header alone.
    MessageCodec.Encoded current = MessageCodec.encode(request(new TraceContext(PARENT, STATE)));
    Headers old = new Headers();
    old.put(
        MessageCodec.REQUEST_HEADER, current.headers().getFirst(MessageCodec.REQUEST_HEADER));

    assertEquals(TraceContext.NONE, MessageCodec.decodeRequest(old, current.body()).trace());
  }
}
