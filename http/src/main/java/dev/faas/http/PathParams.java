package dev.faas.http;

import java.util.Map;

/** The values a request path gave to a template's {@code {placeholders}}, percent-decoded. */
public record PathParams(Map<String, String> values) {
  /** Copies {@code values}: parameters do not change once matched. */
  public PathParams {
    values = Map.copyOf(values);
  }

  /** The value of {@code {name}} in the template. */
  public String get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("the template has no parameter " + name);
    }
    return value;
  }
}
