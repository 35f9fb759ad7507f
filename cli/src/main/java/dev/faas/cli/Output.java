package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Prints an answer in the format asked for: {@code json} and {@code yaml} print the API's own
 * body (so scripts see every field), {@code table} the columns a person reads.
 */
public final class Output {
  private final GlobalOptions.Format format;
  private final OutputStream out;

  public Output(GlobalOptions.Format format, OutputStream out) {
    this.format = format;
    this.out = out;
  }

  public GlobalOptions.Format format() {
    return format;
  }

  /** One column of a table: its header and how to read its cell from an item. */
  public record Column(String header, Function<JsonNode, String> cell) {
    /** A column showing field {@code name} as text. */
    public static Column field(String header, String name) {
      return new Column(header, item -> Table.text(item.get(name)));
    }
  }

  /** A listing: {@code body} as it is, or a table with a row per element of {@code items}. */
  public void list(JsonNode body, JsonNode items, List<Column> columns) {
    if (format != GlobalOptions.Format.table) {
      structured(body);
      return;
    }
    List<String> headers = columns.stream().map(Column::header).toList();
    List<List<String>> rows = new ArrayList<>();
    if (items != null) {
      for (JsonNode item : items) {
        rows.add(columns.stream().map(c -> c.cell().apply(item)).toList());
      }
    }
    write(Table.render(headers, rows));
  }

  /** One object: {@code body} as it is, or one "field: value" line per column. */
  public void object(JsonNode body, List<Column> fields) {
    if (format != GlobalOptions.Format.table) {
      structured(body);
      return;
    }
    List<String[]> lines = new ArrayList<>();
    for (Column field : fields) {
      lines.add(new String[] {field.header(), field.cell().apply(body)});
    }
    write(Table.details(lines));
  }

  /** {@code body} as JSON or YAML, or the line {@code text} for a table. */
  public void result(JsonNode body, String text) {
    if (format != GlobalOptions.Format.table) {
      structured(body);
    } else {
      write(text.endsWith("\n") ? text : text + "\n");
    }
  }

  /** {@code body} as JSON or YAML (a table asked for shows it as YAML, which reads like one). */
  public void structured(JsonNode body) {
    try {
      String text =
          format == GlobalOptions.Format.json
              ? Json.JSON.writeValueAsString(body) + "\n"
              : Json.yaml().writeValueAsString(body);
      write(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line of text, written at once (progress that must show even if a later step fails). */
  public void line(String text) {
    write(text + "\n");
  }

  private void write(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
