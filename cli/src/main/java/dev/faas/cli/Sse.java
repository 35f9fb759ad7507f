package dev.faas.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** A reader of server-sent events (the WHATWG event-stream format), one event at a time. */
public final class Sse {
  /** One event: its type ({@code message} when none was named) and its data lines joined by newlines. */
  public record Event(String type, String data) {}

  private Sse() {}

  /**
   * Reads events from {@code in} and hands each to {@code onEvent} until the stream ends or the
   * consumer returns false.
   */
  public static void read(InputStream in, java.util.function.Predicate<Event> onEvent) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String type = null;
    StringBuilder data = null;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isEmpty()) {
        if (data != null && !onEvent.test(new Event(type == null ? "message" : type, data.toString()))) {
          return;
        }
        type = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue; // a comment: keep-alive
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> {
          // id, retry: not needed to print a log once
        }
      }
    }
    if (data != null) {
      onEvent.test(new Event(type == null ? "message" : type, data.toString()));
    }
  }

  /** For tests: every event of {@code in}. */
  static void each(InputStream in, Consumer<Event> onEvent) throws IOException {
    read(in, e -> {
      onEvent.accept(e);
      return true;
    });
  }
}
