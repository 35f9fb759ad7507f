package dev.faas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables, units, exit codes and the event-stream reader: the small pure parts. */
class FormattingTest {
  @Test
  void tablesPadToTheWidestCellWithoutTrailingBlanks() {
    String table = Table.render(List.of("NAME", "IMAGE", "X"), List.of(List.of("echo", "a-long-image:1", ""), List.of("a", "b", "c")));
    assertEquals("NAME  IMAGE           X\necho  a-long-image:1  -\na     b               c\n", table);
    assertEquals("a:    1\nlong: -\n", Table.details(List.of(new String[] {"a", "1"}, new String[] {"long", null})));
    assertEquals("x,y", Table.text(Json.JSON.valueToTree(List.of("x", "y"))));
    assertEquals("-", Table.text(null));
    assertEquals("A=1", Table.text(Json.object().put("A", "1")));
  }

  @Test
  void durationsAndSizesAsPeopleTypeThem() {
    assertEquals(500, Units.millis("500"));
    assertEquals(500, Units.millis("500ms"));
    assertEquals(5000, Units.millis("5s"));
    assertEquals(120_000, Units.millis("2m"));
    assertEquals(64, Units.megabytes("64"));
    assertEquals(64, Units.megabytes("64Mi"));
    assertEquals(1024, Units.megabytes("1Gi"));
    assertEquals(ExitCode.USAGE, assertThrows(CliException.class, () -> Units.millis("5 weeks")).exitCode());
    assertEquals(ExitCode.USAGE, assertThrows(CliException.class, () -> Units.megabytes("lots")).exitCode());
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(Instant.parse("2026-01-31T00:00:00Z"), KeysCommand.Create.expiresAt("30d", now));
    assertEquals(Instant.parse("2026-01-01T12:00:00Z"), KeysCommand.Create.expiresAt("12h", now));
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), KeysCommand.Create.expiresAt("2027-01-01T00:00:00Z", now));
  }

  @Test
  void problemTypesDecideBeforeStatuses() {
    assertEquals(ExitCode.FUNCTION_FAILED, ExitCode.ofProblem(504, "function-timeout"));
    assertEquals(ExitCode.FUNCTION_FAILED, ExitCode.ofProblem(502, "image-unavailable"));
    assertEquals(ExitCode.INVALID, ExitCode.ofProblem(400, "image-unavailable"));
    assertEquals(ExitCode.LIMIT, ExitCode.ofProblem(409, "limit-functions"));
    assertEquals(ExitCode.CONFLICT, ExitCode.ofProblem(409, null));
    assertEquals(ExitCode.CONFLICT, ExitCode.ofProblem(412, "precondition-failed"));
    assertEquals(ExitCode.AUTH, ExitCode.ofProblem(403, "insufficient-scope"));
    assertEquals(ExitCode.UNAVAILABLE, ExitCode.ofProblem(503, "platform-busy"));
    assertEquals(ExitCode.ERROR, ExitCode.ofProblem(500, null));
  }

  @Test
  void serverSentEventsAreSplitOnBlankLinesAndCommentsSkipped() throws Exception {
    String stream = ": keep-alive\n\ndata: line one\n\nevent: log\ndata: a\ndata: b\n\nevent: end\ndata: {}\n\n";
    List<Sse.Event> events = new ArrayList<>();
    Sse.each(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), events::add);
    assertEquals(
        List.of(new Sse.Event("message", "line one"), new Sse.Event("log", "a\nb"), new Sse.Event("end", "{}")), events);
  }
}
