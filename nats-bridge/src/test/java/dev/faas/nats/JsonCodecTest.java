package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.User;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  private final JsonCodec<FunctionSpec> functions = JsonCodec.of(FunctionSpec.class);
  private final JsonCodec<User> users = JsonCodec.of(User.class);

  private static final Instant CREATED = Instant.parse("2024-05-01T10:15:30.123Z");
  private static final Instant UPDATED = Instant.parse("2024-05-02T08:00:00Z");

  @Test
  void functionRoundTripsWithEveryField() {
    FunctionSpec f =
        new FunctionSpec(
            "ann", "echo", "registry.local:5000/echo:1.0", 1500, 256, "says it back",
            Map.of("GREETING", "hi", "EMPTY", ""), InputMode.ARG, true, CREATED, UPDATED);

    assertEquals(f, functions.decode(functions.encode(f)));
  }

  @Test
  void userRoundTrips() {
    User u = new User("ann", "$argon2id$v=19$m=65536$abc", "u-123", CREATED);

    assertEquals(u, users.decode(users.encode(u)));
  }

  @Test
  void writesCamelCaseAndIsoInstantsAndNoDerivedKey() {
    FunctionSpec f =
        new FunctionSpec("ann", "echo", "echo", 100, 16, "", Map.of(), null, false, CREATED, UPDATED);

    String json = new String(functions.encode(f), StandardCharsets.UTF_8);

    assertTrue(json.contains("\"timeoutMs\":100"), json);
    assertTrue(json.contains("\"memoryMb\":16"), json);
    assertTrue(json.contains("\"createdAt\":\"2024-05-01T10:15:30.123Z\""), json);
    assertTrue(json.contains("\"inputMode\":\"STDIN\""), json);
    assertFalse(json.contains("\"key\""), json);
  }

  @Test
  void ignoresFieldsItDoesNotKnowAndDefaultsMissingOnes() {
    String json =
        "{\"owner\":\"ann\",\"name\":\"echo\",\"image\":\"echo\",\"timeoutMs\":100,"
            + "\"memoryMb\":16,\"createdAt\":\"2024-05-01T10:15:30.123Z\","
            + "\"updatedAt\":\"2024-05-01T10:15:30.123Z\",\"addedLater\":{\"x\":1}}";

    FunctionSpec f = functions.decode(json.getBytes(StandardCharsets.UTF_8));

    assertEquals("ann.echo", f.key());
    assertEquals(Map.of(), f.env());
    assertEquals(InputMode.STDIN, f.inputMode());
    assertEquals("", f.description());
    assertEquals(CREATED, f.createdAt());
  }

  @Test
  void rejectsWhatIsNotJson() {
    assertThrows(
        UncheckedIOException.class,
        () -> functions.decode("not json".getBytes(StandardCharsets.UTF_8)));
    assertThrows(UncheckedIOException.class, () -> functions.decode(new byte[0]));
    assertThrows(UncheckedIOException.class, () -> functions.decode(null));
  }
}
