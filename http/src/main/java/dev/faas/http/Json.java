package dev.faas.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * The one JSON configuration of the API: UTF-8, camelCase field names as the records spell them,
 * times as RFC 3339 strings, duplicate keys refused on input.
 */
public final class Json {
  /** Shared and thread-safe once configured. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // A body naming a field twice is ambiguous; refusing it beats silently taking the last.
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          // Without this, "{...}}" parses as its first value and the rest is silently dropped.
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /** {@code value} as a UTF-8 {@code application/json} entity. */
  public static ResponseEntity entity(Object value) {
    try {
      return HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      // Only our own response records are written here: failing is a bug, not a client error.
      throw new IllegalStateException("response could not be serialised", e);
    }
  }

  /** A response with {@code status} and {@code value} as its JSON body. */
  public static HttpResponse response(StatusCode status, Object value) {
    return HttpResponse.create().withStatus(status).withEntity(entity(value));
  }

  /**
   * An activation record as {@code GET /v1/activations/{id}} answers it: what a completion
   * callback posts (docs/decisions/0026).
   */
  public static byte[] activation(dev.faas.actors.activation.ActivationRecord record) {
    try {
      return MAPPER.writeValueAsBytes(ActivationView.of(record));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("an activation record could not be written as JSON", e);
    }
  }
}
