package dev.faas.node;

import com.typesafe.config.Config;
import java.net.URI;
import java.util.Optional;

/**
 * Where the node's traces go: the {@code faas.traces} section (docs/decisions/0022).
 *
 * @param otlpEndpoint {@code FAAS_OTLP_ENDPOINT}: the OTLP/HTTP collector's traces URL ({@code
 *     /v1/traces} added to a base URL); empty: tracing off
 */
public record TraceConfig(Optional<URI> otlpEndpoint) {
  /** The path of traces under an OTLP/HTTP base URL. */
  static final String TRACES_PATH = "/v1/traces";

  /** Reads {@code traces} of the {@code faas} section. */
  static TraceConfig from(Config faas) {
    return new TraceConfig(endpoint(faas.getString("traces.otlp-endpoint").strip()));
  }

  /** Off: no spans are made at all. */
  static TraceConfig off() {
    return new TraceConfig(Optional.empty());
  }

  static Optional<URI> endpoint(String configured) {
    if (configured.isEmpty()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(configured);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("FAAS_OTLP_ENDPOINT is not a URL: " + configured, e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "FAAS_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318; got "
              + configured);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.endsWith(TRACES_PATH)) {
      return Optional.of(uri);
    }
    String base = configured.endsWith("/") ? configured.substring(0, configured.length() - 1)
        : configured;
    return Optional.of(URI.create(base + TRACES_PATH));
  }
}
