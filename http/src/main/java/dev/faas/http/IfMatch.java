package dev.faas.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code If-Match} precondition on a function's revision. Our ETags are strong ({@code "7"}),
 * and If-Match compares strongly (RFC 9110), so a weak tag never matches; a bare number is taken as
 * the quoted one, for clients that forget the quotes.
 *
 * @param any {@code *}: any current revision will do
 * @param revisions the strong revisions named
 */
record IfMatch(boolean any, List<Long> revisions) {
  private static final Pattern TAG = Pattern.compile("(W/)?\"([^\"]*)\"|([0-9]+)");

  /** The precondition of {@code header}, empty when there is none; 400 when it is unreadable. */
  static Optional<IfMatch> parse(Optional<String> header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().strip();
    if (value.equals("*")) {
      return Optional.of(new IfMatch(true, List.of()));
    }
    List<Long> revisions = new ArrayList<>();
    for (String part : value.split(",")) {
      Matcher tag = TAG.matcher(part.strip());
      if (!tag.matches()) {
        throw new InvalidRequest("header 'If-Match' must list ETags such as \"3\"");
      }
      String number = tag.group(3) != null ? tag.group(3) : tag.group(2);
      if (tag.group(1) == null && number.matches("[0-9]{1,18}")) {
        revisions.add(Long.parseLong(number));
      }
    }
    return Optional.of(new IfMatch(false, List.copyOf(revisions)));
  }

  /**
   * True when this precondition holds for a function whose revision (as the API shows it, {@link
   * Etags}) is {@code current}. Revisions are not ordered, so only the current one matches; the
   * store's compare-and-set on the entry just read has the last word.
   */
  boolean matches(long current) {
    return any || revisions.contains(current);
  }
}
