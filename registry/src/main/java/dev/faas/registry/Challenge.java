package dev.faas.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry's {@code WWW-Authenticate} challenge: {@code Basic realm="..."} (a registry with
 * its own password file) or {@code Bearer realm="...",service="...",scope="..."} (a token server,
 * as Docker Hub and most hosted registries use).
 *
 * @param scheme {@code basic} or {@code bearer}, lower case
 * @param params the challenge's parameters
 */
record Challenge(String scheme, Map<String, String> params) {
  private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");

  /** The challenge in {@code header}, or empty when there is none it can read. */
  static Optional<Challenge> parse(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String trimmed = header.strip();
    int space = trimmed.indexOf(' ');
    String scheme = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
    if (!scheme.equals("basic") && !scheme.equals("bearer")) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(space < 0 ? "" : trimmed.substring(space + 1));
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    return Optional.of(new Challenge(scheme, Map.copyOf(params)));
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  String param(String name) {
    return params.getOrDefault(name, "");
  }
}
