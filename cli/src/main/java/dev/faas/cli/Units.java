package dev.faas.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations and sizes as people type them, to the API's milliseconds and megabytes. */
public final class Units {
  private static final Pattern AMOUNT = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

  private Units() {}

  /** {@code 500ms}, {@code 5s}, {@code 2m} or a bare number of milliseconds, in milliseconds. */
  public static int millis(String text) {
    Matcher m = AMOUNT.matcher(text.trim());
    if (!m.matches()) {
      throw CliException.usage("not a duration: '" + text + "' (e.g. 500ms, 5s, 2m)");
    }
    long n = Long.parseLong(m.group(1));
    long ms =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "", "ms" -> n;
          case "s" -> n * 1000;
          case "m", "min" -> n * 60_000;
          case "h" -> n * 3_600_000;
          default -> throw CliException.usage("unknown unit in duration '" + text + "' (ms, s, m, h)");
        };
    return clamp(ms, text);
  }

  /** {@code 64}, {@code 64M}, {@code 64Mi}, {@code 1G}, {@code 1Gi}, in megabytes (MiB). */
  public static int megabytes(String text) {
    Matcher m = AMOUNT.matcher(text.trim());
    if (!m.matches()) {
      throw CliException.usage("not a size: '" + text + "' (e.g. 128, 128Mi, 1Gi)");
    }
    long n = Long.parseLong(m.group(1));
    long mb =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "", "m", "mi", "mb", "mib" -> n;
          case "g", "gi", "gb", "gib" -> n * 1024;
          default -> throw CliException.usage("unknown unit in size '" + text + "' (Mi, Gi)");
        };
    return clamp(mb, text);
  }

  private static int clamp(long value, String text) {
    if (value > Integer.MAX_VALUE) {
      throw CliException.usage("too large: " + text);
    }
    return (int) value;
  }
}
