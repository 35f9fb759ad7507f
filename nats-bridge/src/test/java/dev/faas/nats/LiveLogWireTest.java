package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLogMessage;
import dev.faas.actors.activation.LiveLogMessage.Kind;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Live-log messages on the wire: bytes raw in the body, the rest in headers (decision 0023). */
class LiveLogWireTest {

  @Test
  void aChunkKeepsItsBytesOwnerKeyAndOffset() {
    byte[] bytes = "ünï\r\n\0".getBytes(StandardCharsets.UTF_8);
    LiveLogMessage sent = new LiveLogMessage("u1", "k1", Kind.CHUNK, 42, bytes, null, false);
    LiveLogMessage read = LiveLogWire.decode(LiveLogWire.headers(sent), bytes);
    assertEquals("u1", read.owner());
    assertEquals("k1", read.startedBy());
    assertEquals(Kind.CHUNK, read.kind());
    assertEquals(42, read.offset());
    assertArrayEquals(bytes, read.bytes());
    assertNull(read.status());
  }

  @Test
  void anEndCarriesTheStatusAndTheTruncation() {
    LiveLogMessage sent =
        new LiveLogMessage("u1", null, Kind.END, 7, null, ActivationStatus.TIMEOUT, true);
    LiveLogMessage read = LiveLogWire.decode(LiveLogWire.headers(sent), new byte[0]);
    assertEquals(Kind.END, read.kind());
    assertEquals(ActivationStatus.TIMEOUT, read.status());
    assertTrue(read.truncated());
    assertNull(read.startedBy());
    assertEquals(0, read.bytes().length);
  }

  @Test
  void somethingElseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LiveLogWire.decode(null, new byte[0]));
    Headers noOwner = new Headers().put(LiveLogWire.KIND, "chunk").put(LiveLogWire.OFFSET, "0");
    assertThrows(IllegalArgumentException.class, () -> LiveLogWire.decode(noOwner, new byte[0]));
    Headers badOffset =
        new Headers()
            .put(LiveLogWire.KIND, "alive")
            .put(LiveLogWire.OWNER, "u1")
            .put(LiveLogWire.OFFSET, "-1");
    assertThrows(IllegalArgumentException.class, () -> LiveLogWire.decode(badOffset, new byte[0]));
  }

  @Test
  void theSubjectIsPerActivationAndTakesOnlyAnId() {
    assertEquals("faas.logs.abc12345", Subjects.logs("abc12345"));
    assertThrows(IllegalArgumentException.class, () -> Subjects.logs("abc.>"));
  }
}
