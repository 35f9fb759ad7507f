package dev.faas.nats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns one value type into the JSON stored in a bucket and back: camelCase fields (the record
 * component names), instants as ISO-8601 strings.
 */
final class JsonCodec<T> {
  private static final ObjectMapper MAPPER = configured().build();

  private final Class<T> type;

  private JsonCodec(Class<T> type) {
    this.type = type;
  }

  /** A mapper builder with this codec's conventions, for the wire formats to start from. */
  static JsonMapper.Builder configured() {
    // Unknown fields are ignored so that, during a rolling upgrade, an older node still reads
    // what a newer node wrote with a field added.
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
  }

  static <T> JsonCodec<T> of(Class<T> type) {
    return new JsonCodec<>(type);
  }

  /** The value as UTF-8 JSON. */
  byte[] encode(T value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      // Only a type the mapper cannot handle gets here: a programming error, not bad data.
      throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /**
   * The value in {@code json}.
   *
   * @throws UncheckedIOException when the bytes are not a valid {@code T}
   */
  T decode(byte[] json) {
    if (json == null || json.length == 0) {
      throw new UncheckedIOException(new IOException("empty value for " + type.getSimpleName()));
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
