package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * Reads a request body as one JSON object. The body is taken as JSON whatever its declared content
 * type (clients such as curl send form encoding by default); its size is bounded by the route's
 * size limit, which fails the read with 413.
 */
final class JsonBody {
  private JsonBody() {}

  /** Parses the body and hands the object on; a body that is not one JSON object answers 400. */
  static Route object(Function<JsonNode, Route> inner) {
    // The body may arrive after the route started: the rest runs with the request's id again.
    return extractRequest(
        request ->
            entity(
                Unmarshaller.entityToByteString(),
                (ByteString bytes) ->
                    RequestIds.scoped(
                        request,
                        () -> {
                          JsonNode node;
                          try {
                            node = parse(bytes.toArray());
                          } catch (InvalidRequest e) {
                            return Validation.problem(e.getMessage()).toRoute();
                          }
                          return inner.apply(node);
                        })));
  }

  static JsonNode parse(byte[] bytes) {
    if (bytes.length == 0) {
      throw new InvalidRequest("the request body is empty; a JSON object is expected");
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidRequest(describe(e));
    }
    if (node == null || !node.isObject()) {
      throw new InvalidRequest("the request body must be a JSON object");
    }
    return node;
  }

  /**
   * A client-facing sentence for why a body could not be read as JSON. Jackson's own messages name
   * Java types for binding errors, so only parse errors (about the text itself) are quoted.
   */
  static String describe(Throwable failure) {
    if (failure instanceof UnrecognizedPropertyException unknown) {
      return "unknown field '" + unknown.getPropertyName() + "'";
    }
    if (failure instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      String field =
          mismatch.getPath().stream()
              .map(
                  ref ->
                      ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
              .collect(Collectors.joining("."));
      return "field '" + field + "' has the wrong type";
    }
    if (failure instanceof JsonParseException parse) {
      JsonLocation at = parse.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return "malformed JSON" + where + ": " + withoutSourceReference(parse.getOriginalMessage());
    }
    if (failure instanceof JsonProcessingException) {
      return "the request body is not valid JSON";
    }
    return "the request body could not be read";
  }

  // Some parse messages point back at an earlier token with a "[Source: ...]" reference that
  // names parser internals; the line and column we add say enough.
  private static String withoutSourceReference(String message) {
    String text = message == null ? "" : message;
    int cut = text.indexOf(" (start marker at");
    if (cut < 0) {
      cut = text.indexOf("[Source");
    }
    return (cut < 0 ? text : text.substring(0, cut)).strip();
  }
}
