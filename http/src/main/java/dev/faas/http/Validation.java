package dev.faas.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code validation} problem (400) with the {@code field} extension API.md asks for. Every
 * refusal of this package names what it refuses at the start of its detail, as {@code field
 * 'memoryMb' ...}, {@code unknown field 'x'}, {@code header 'If-Match' ...} or {@code query
 * parameter 'limit' ...}: that name becomes {@code field}, so the detail a person reads and the
 * field a client reads cannot disagree. A detail that names none (an unparsable body) carries no
 * {@code field}.
 */
final class Validation {
  private static final Pattern NAMED =
      Pattern.compile("^(?:unknown )?(?:field|header|query parameter|parameter) '([^']{1,128})'");

  private Validation() {}

  /** The validation problem for {@code detail}, with {@code field} when the detail names one. */
  static Problem problem(String detail) {
    Problem problem = ProblemType.VALIDATION.problem(detail);
    return field(detail).map(field -> problem.with("field", field)).orElse(problem);
  }

  /** The field {@code detail} names first, if it names one. */
  static Optional<String> field(String detail) {
    if (detail == null) {
      return Optional.empty();
    }
    Matcher m = NAMED.matcher(detail);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
