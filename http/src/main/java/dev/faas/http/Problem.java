package dev.faas.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The one place that builds error responses: {@code application/problem+json} by RFC 9457. The
 * {@code detail} is always a sentence written for the client by the caller of this class; nothing
 * here ever copies an exception's message or class, so internals cannot leak through it.
 *
 * <pre>{@code
 * Problem.of(StatusCodes.NOT_FOUND, "no function named 'echo'").toResponse();
 * Problem.of(StatusCodes.BAD_GATEWAY, "the function exited with code 3")
 *     .with("activationId", id).with("exitCode", 3).toResponse();
 * }</pre>
 */
public final class Problem {
  /** {@code application/problem+json}; JSON is UTF-8 by definition, so no charset parameter. */
  public static final ContentType CONTENT_TYPE =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private final StatusCode status;
  private final String type;
  private final String title;
  private final String detail;
  private final Map<String, Object> extensions;
  private final List<HttpHeader> headers;

  private Problem(
      StatusCode status,
      String type,
      String title,
      String detail,
      Map<String, Object> extensions,
      List<HttpHeader> headers) {
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.extensions = extensions;
    this.headers = headers;
  }

  /**
   * A problem of type {@code about:blank}, whose title is by RFC 9457 the status's reason phrase.
   *
   * @param detail a client-facing explanation of this occurrence
   */
  public static Problem of(StatusCode status, String detail) {
    return new Problem(
        status, "about:blank", status.reason(), detail, new LinkedHashMap<>(), new ArrayList<>());
  }

  /**
   * The same problem with a specific {@code type} URI and {@code title}, for problems a client
   * tells apart by type rather than by status.
   */
  public Problem typed(String typeUri, String typeTitle) {
    return new Problem(status, typeUri, typeTitle, detail, extensions, headers);
  }

  /**
   * Adds an extension member such as {@code activationId}; the standard members cannot be
   * overridden.
   */
  public Problem with(String name, Object value) {
    if (List.of("type", "title", "status", "detail").contains(name)) {
      throw new IllegalArgumentException("reserved problem member: " + name);
    }
    extensions.put(name, value);
    return this;
  }

  /**
   * Adds a response header, such as {@code WWW-Authenticate}, {@code Allow} or {@code Retry-After}.
   */
  public Problem withHeader(String name, String value) {
    headers.add(RawHeader.create(name, value));
    return this;
  }

  /** The HTTP status the problem answers with. */
  public StatusCode status() {
    return status;
  }

  /** The client-facing explanation. */
  public String detail() {
    return detail;
  }

  /** The problem as an HTTP response. */
  public HttpResponse toResponse() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("title", title);
    body.put("status", status.intValue());
    body.put("detail", detail);
    body.putAll(extensions);
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // An extension value that cannot be written is our bug; answer without the extensions.
      return of(StatusCodes.INTERNAL_SERVER_ERROR, "internal error").toResponse();
    }
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(headers)
        .withEntity(HttpEntities.create(CONTENT_TYPE, bytes));
  }

  /** The problem as a route that completes with it. */
  public Route toRoute() {
    return Directives.complete(toResponse());
  }
}
