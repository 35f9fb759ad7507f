package dev.faas.nats;

import static dev.faas.nats.Activations.allByteValues;
import static dev.faas.nats.Activations.assertSameRecord;
import static dev.faas.nats.Activations.assertSameRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import io.nats.client.impl.Headers;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireFormatTest {
  private static final String REPLY_TO = "faas.reply.node-1.abcdef12";

  private static List<byte[]> inputs() {
    byte[] large = new byte[700 * 1024];
    new Random(7).nextBytes(large);
    return List.of(
        new byte[0],
        "héllo wörld ✓ 𝄞 \"quoted\" \\ {json}\r\n".getBytes(StandardCharsets.UTF_8),
        allByteValues(),
        new byte[] {(byte) 0xC3, (byte) 0x28, '\n', 0, (byte) 0xFF},
        large);
  }

  @Test
  void requestsRoundTripByteForByte() {
    for (byte[] input : inputs()) {
      ActivationRequest request = Activations.request(Activations.newId(), input, REPLY_TO);
      MessageCodec.Encoded encoded = MessageCodec.encode(request);

      assertArrayEquals(input, encoded.body(), "the body is the parameter itself");
      assertSameRequest(request, MessageCodec.decodeRequest(encoded.headers(), encoded.body()));
    }
  }

  @Test
  void theRequestHeaderIsAsciiEvenForUnicodeFields() {
    FunctionSpec function =
        new FunctionSpec(
            Fixtures.ANN, "echo", "echo:1", 1000, 128, "déjà vu ✓\nline two", Map.of("K", "välue 𝄞"),
            InputMode.ARG, false, Activations.at(0), Activations.at(1));
    ActivationRequest request =
        new ActivationRequest(
            Activations.newId(), function, 1, new byte[0], Activations.at(0), Activations.at(30),
            REPLY_TO, null, null, null);

    MessageCodec.Encoded encoded = MessageCodec.encode(request);

    String header = encoded.headers().getFirst(MessageCodec.REQUEST_HEADER);
    assertTrue(header.chars().allMatch(c -> c >= 0x20 && c < 0x7F), header);
    assertSameRequest(request, MessageCodec.decodeRequest(encoded.headers(), encoded.body()));
  }

  @Test
  void theKeyThatStartedAnActivationTravelsInTheRequestAndIsKeptInTheRecord() {
    FunctionSpec function =
        new FunctionSpec(
            "ann", "echo", "echo:1", 1000, 128, "", Map.of(), InputMode.ARG, false,
            Activations.at(0), Activations.at(1));
    ActivationRequest request =
        new ActivationRequest(
            Activations.newId(), function, 1, new byte[0], Activations.at(0), Activations.at(30),
            REPLY_TO, "0123456789abcdef0000", null, null);
    MessageCodec.Encoded encoded = MessageCodec.encode(request);
    ActivationRequest decoded = MessageCodec.decodeRequest(encoded.headers(), encoded.body());
    assertEquals("0123456789abcdef0000", decoded.startedBy());

    ActivationRecord record =
        new ActivationRecord(
            request.activationId(), "ann", "echo", ActivationStatus.SUCCESS, null, 0,
            new byte[] {1}, "", false, Activations.at(0), 5, "w", false, 1, 1, 1, null, null,
            decoded.startedBy(), null, null);
    ActivationRecord stored = RecordCodec.decode(RecordCodec.encode(record, 1 << 20).value());
    assertEquals("0123456789abcdef0000", stored.startedBy());
  }

  @Test
  void theRequestIdTravelsInTheRequestAndIsKeptInTheRecordAndOldMessagesStillDecode() {
    FunctionSpec function =
        new FunctionSpec(
            "ann", "echo", "echo:1", 1000, 128, "", Map.of(), InputMode.ARG, false,
            Activations.at(0), Activations.at(1));
    ActivationRequest request =
        new ActivationRequest(
            Activations.newId(), function, 1, new byte[] {7}, Activations.at(0),
            Activations.at(30), REPLY_TO, null, "req-1:a.b_c", null);
    MessageCodec.Encoded encoded = MessageCodec.encode(request);
    ActivationRequest decoded = MessageCodec.decodeRequest(encoded.headers(), encoded.body());
    assertEquals("req-1:a.b_c", decoded.requestId());

    // A message from a node before request ids: no such field at all.
    String header = encoded.headers().getFirst(MessageCodec.REQUEST_HEADER);
    assertTrue(header.contains(",\"requestId\":\"req-1:a.b_c\""), header);
    Headers old =
        new Headers()
            .put(MessageCodec.REQUEST_HEADER, header.replace(",\"requestId\":\"req-1:a.b_c\"", ""));
    ActivationRequest before = MessageCodec.decodeRequest(old, encoded.body());
    assertNull(before.requestId());
    assertEquals(request.activationId(), before.activationId());
    assertArrayEquals(new byte[] {7}, before.input());

    ActivationRecord record =
        new ActivationRecord(
            request.activationId(), "ann", "echo", ActivationStatus.SUCCESS, null, 0,
            new byte[] {1}, "", false, Activations.at(0), 5, "w", false, 1, 1, 1, null, null,
            null, decoded.requestId(), null);
    String json = new String(RecordCodec.encode(record, 1 << 20).value(), StandardCharsets.US_ASCII);
    assertEquals("req-1:a.b_c", RecordCodec.decode(json.getBytes(StandardCharsets.US_ASCII)).requestId());
    assertTrue(json.contains(",\"requestId\":\"req-1:a.b_c\""), json);
    ActivationRecord oldRecord =
        RecordCodec.decode(
            json.replace(",\"requestId\":\"req-1:a.b_c\"", "").getBytes(StandardCharsets.US_ASCII));
    assertNull(oldRecord.requestId());
    assertEquals(5, oldRecord.durationMs());
  }

  @Test
  void everyKindOfEventRoundTrips() {
    String id = Activations.newId();
    List<WorkerEvent> events =
        List.of(
            new WorkerEvent.Accepted(id, "worker-1"),
            new WorkerEvent.Heartbeat(id),
            new WorkerEvent.Dropped(id, "redelivered: its worker was lost ✗"));
    for (WorkerEvent event : events) {
      MessageCodec.Encoded encoded = MessageCodec.encode(event);

      assertEquals(0, encoded.body().length);
      assertEquals(event, MessageCodec.decodeEvent(encoded.headers(), encoded.body()));
    }
  }

  @Test
  void aCompletedEventCarriesItsResultAsTheBody() {
    for (byte[] result : inputs()) {
      ActivationRecord record =
          Activations.record(Fixtures.ANN, Activations.newId(), "echo", Activations.at(1), result);
      MessageCodec.Encoded encoded =
          MessageCodec.encode(new WorkerEvent.Completed(record.activationId(), record));

      assertArrayEquals(result, encoded.body());
      WorkerEvent decoded = MessageCodec.decodeEvent(encoded.headers(), encoded.body());
      WorkerEvent.Completed completed = assertInstanceOf(WorkerEvent.Completed.class, decoded);
      assertEquals(record.activationId(), completed.activationId());
      assertSameRecord(record, completed.record());
    }
  }

  @Test
  void aMessageWithoutItsHeaderIsUndecodable() {
    assertThrows(
        UncheckedIOException.class, () -> MessageCodec.decodeRequest(new Headers(), new byte[1]));
    assertThrows(UncheckedIOException.class, () -> MessageCodec.decodeEvent(null, new byte[0]));
    Headers garbage = new Headers().put(MessageCodec.EVENT_HEADER, "{\"type\":\"unknown\"}");
    assertThrows(UncheckedIOException.class, () -> MessageCodec.decodeEvent(garbage, new byte[0]));
  }

  @Test
  void recordsRoundTripWhateverTheResultHolds() {
    for (byte[] result : inputs()) {
      ActivationRecord record =
          Activations.record(Fixtures.ANN, Activations.newId(), "echo", Activations.at(2), result);
      RecordCodec.Framed framed = RecordCodec.encode(record, Integer.MAX_VALUE);

      assertFalse(framed.truncated());
      assertFalse(RecordCodec.isTruncated(framed.value()));
      assertSameRecord(record, RecordCodec.decode(framed.value()));
    }
  }

  @Test
  void aRecordWrittenBeforePreCallFieldsReadsThemAsUnknown() {
    ActivationRecord record =
        Activations.record(Fixtures.ANN, Activations.newId(), "echo", Activations.at(2), new byte[] {1});
    String json = new String(RecordCodec.encode(record, 1 << 20).value(), StandardCharsets.US_ASCII);
    assertTrue(json.contains("\"preCallCpuMs\":12,\"preCallFrozen\":true"), json);
    byte[] old =
        json.replace(",\"preCallCpuMs\":12,\"preCallFrozen\":true", "")
            .getBytes(StandardCharsets.US_ASCII);

    ActivationRecord decoded = RecordCodec.decode(old);

    assertNull(decoded.preCallCpuMs());
    assertNull(decoded.preCallFrozen());
    assertEquals(record.runMs(), decoded.runMs());
    assertArrayEquals(new byte[] {1}, decoded.result());
  }

  @Test
  void aNullResultIsStoredAsEmpty() {
    ActivationRecord record =
        Activations.record(Fixtures.ANN, Activations.newId(), "echo", Activations.at(2), null);

    ActivationRecord decoded = RecordCodec.decode(RecordCodec.encode(record, 1 << 20).value());

    assertArrayEquals(new byte[0], decoded.result());
  }

  @Test
  void aRecordTooLargeKeepsItsJsonAndTheStartOfItsResult() {
    byte[] result = new byte[4096];
    new Random(3).nextBytes(result);
    ActivationRecord record =
        Activations.record(Fixtures.ANN, Activations.newId(), "echo", Activations.at(2), result);

    RecordCodec.Framed framed = RecordCodec.encode(record, 2000);

    assertTrue(framed.truncated());
    assertEquals(2000, framed.value().length);
    assertTrue(RecordCodec.isTruncated(framed.value()));
    ActivationRecord decoded = RecordCodec.decode(framed.value());
    assertTrue(decoded.result().length > 0);
    assertArrayEquals(Arrays.copyOf(result, decoded.result().length), decoded.result());
    assertEquals(Activations.withoutResult(record), Activations.withoutResult(decoded));
    assertThrows(IllegalArgumentException.class, () -> RecordCodec.encode(record, 100));
  }

  @Test
  void aValueThatIsNoFramedRecordIsUndecodable() {
    assertThrows(UncheckedIOException.class, () -> RecordCodec.decode("{\"a\":1}".getBytes()));
    assertThrows(UncheckedIOException.class, () -> RecordCodec.decode("[1]\nxyz".getBytes()));
  }
}
