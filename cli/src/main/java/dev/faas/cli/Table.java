package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain-text tables: columns padded to their widest cell, two spaces apart, no trailing blanks. */
public final class Table {
  /** What an empty or absent value shows as. */
  public static final String NONE = "-";

  private Table() {}

  /** A header line and one line per row. */
  public static String render(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = cell(row, i);
        line.append(cell);
        if (i < widths.length - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  /** "name:  value" lines, the values aligned. */
  public static String details(List<String[]> lines) {
    int width = 0;
    for (String[] line : lines) {
      width = Math.max(width, line[0].length());
    }
    StringBuilder text = new StringBuilder();
    for (String[] line : lines) {
      String value = line[1] == null || line[1].isEmpty() ? NONE : line[1];
      String pad = " ".repeat(width - line[0].length() + 1);
      // A multi-line value (logs, a result) is indented under its name.
      value = value.replace("\n", "\n" + " ".repeat(width + 2));
      text.append(line[0]).append(':').append(pad).append(value.stripTrailing()).append('\n');
    }
    return text.toString();
  }

  /** A JSON value as a cell: text as it is, arrays joined with commas, objects as k=v. */
  public static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NONE;
    }
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(v.asText()));
      return parts.isEmpty() ? NONE : String.join(",", parts);
    }
    if (value.isObject()) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        parts.add(e.getKey() + "=" + e.getValue().asText());
      }
      return parts.isEmpty() ? NONE : String.join(",", parts);
    }
    String text = value.asText();
    return text.isEmpty() ? NONE : text;
  }

  private static String cell(List<String> row, int i) {
    String cell = i < row.size() ? row.get(i) : null;
    return cell == null || cell.isEmpty() ? NONE : cell.replace('\n', ' ');
  }
}
