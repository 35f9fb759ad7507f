package dev.faas.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed path template such as {@code /v1/functions/{name}}. Matching is exact: same number of
 * segments, literals equal, so {@code /v1/functions/} and {@code /v1//functions} match nothing.
 */
final class PathTemplate {
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~-]+");
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

  private final String text;
  private final List<String> segments;
  private final List<String> paramNames;

  private PathTemplate(String text, List<String> segments, List<String> paramNames) {
    this.text = text;
    this.segments = segments;
    this.paramNames = paramNames;
  }

  static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/") || template.length() < 2) {
      throw new IllegalArgumentException("a template starts with / and names a path: " + template);
    }
    List<String> segments = List.of(template.substring(1).split("/", -1));
    List<String> params = new ArrayList<>();
    for (String segment : segments) {
      var param = PARAM.matcher(segment);
      if (param.matches()) {
        if (params.contains(param.group(1))) {
          throw new IllegalArgumentException("parameter named twice in " + template);
        }
        params.add(param.group(1));
      } else if (!LITERAL.matcher(segment).matches()) {
        throw new IllegalArgumentException("bad segment [" + segment + "] in " + template);
      }
    }
    return new PathTemplate(template, segments, List.copyOf(params));
  }

  String text() {
    return text;
  }

  /** Number of literal segments: where two templates match one path, the more literal one wins. */
  int literalCount() {
    return segments.size() - paramNames.size();
  }

  /** The parameters when {@code rawPath} (still percent-encoded) matches; else empty. */
  Optional<PathParams> match(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return Optional.empty();
    }
    String[] parts = rawPath.substring(1).split("/", -1);
    if (parts.length != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String segment = segments.get(i);
      Optional<String> decoded = decode(parts[i]);
      if (decoded.isEmpty() || decoded.get().isEmpty()) {
        return Optional.empty();
      }
      if (segment.startsWith("{")) {
        values.put(segment.substring(1, segment.length() - 1), decoded.get());
      } else if (!segment.equals(decoded.get())) {
        return Optional.empty();
      }
    }
    return Optional.of(new PathParams(values));
  }

  /** Percent-decodes one path segment as UTF-8 ({@code +} stays a plus: this is a path). */
  static Optional<String> decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return Optional.of(segment);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
