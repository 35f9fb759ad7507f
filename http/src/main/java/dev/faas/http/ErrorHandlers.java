package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;

import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AuthenticationFailedRejection;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedHeaderRejection;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.MissingHeaderRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.RequestEntityExpectedRejection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.server.ValidationRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;

/**
 * Turns every pekko-http rejection and every exception into {@code application/problem+json}, so no
 * request, however wrong, gets pekko's plain-text defaults or a stack trace. Rejection messages are
 * rewritten rather than passed on, since some carry parser or class names.
 */
public final class ErrorHandlers {
  private ErrorHandlers() {}

  /** {@code inner} with these handlers around it: it always completes, never rejects. */
  public static Route seal(Route inner) {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> inner));
  }

  /** The rejection handler; the last case catches any rejection the others do not name. */
  public static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r -> tooLarge(r.getCause()) ? entityTooLarge() : bad(JsonBody.describe(r.getCause())))
        .handleAll(
            MethodRejection.class,
            rs -> {
              String allow =
                  rs.stream()
                      .map(r -> r.supported().name())
                      .distinct()
                      .collect(Collectors.joining(", "));
              return Problem.of(
                      StatusCodes.METHOD_NOT_ALLOWED,
                      "this path does not support the method; it supports " + allow)
                  .withHeader("Allow", allow)
                  .toRoute();
            })
        .handle(RequestEntityExpectedRejection.class, r -> bad("a request body is required"))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r ->
                Problem.of(
                        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "the request body's content type is not supported here")
                    .toRoute())
        .handle(
            MissingHeaderRejection.class, r -> bad("header '" + r.headerName() + "' is required"))
        .handle(
            MalformedHeaderRejection.class,
            r -> bad("header '" + r.headerName() + "' is malformed"))
        .handle(
            MissingQueryParamRejection.class,
            r -> bad("query parameter '" + r.parameterName() + "' is required"))
        .handle(
            MalformedQueryParamRejection.class,
            r -> bad("query parameter '" + r.parameterName() + "' is malformed"))
        .handle(ValidationRejection.class, r -> bad("the request is invalid"))
        .handle(
            AuthenticationFailedRejection.class,
            r ->
                Problem.of(StatusCodes.UNAUTHORIZED, "a valid bearer token is required")
                    .withHeader("WWW-Authenticate", "Bearer")
                    .toRoute())
        .handle(Rejection.class, r -> bad("the request could not be handled"))
        .handleNotFound(Problem.of(StatusCodes.NOT_FOUND, "no such resource").toRoute())
        .build();
  }

  /** The exception handler: 413 for a body over the limit, 503 for the store, else 500. */
  public static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> entityTooLarge())
        .match(
            IllegalRequestException.class,
            e -> Problem.of(e.status(), "the request is malformed").toRoute())
        // Responses.failure answers 503 for an unreachable store, and 500 without details else.
        .matchAny(e -> tooLarge(e) ? entityTooLarge() : complete(Responses.failure(e)))
        .build();
  }

  private static boolean tooLarge(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static Route entityTooLarge() {
    return Problem.of(StatusCodes.CONTENT_TOO_LARGE, "the request body is over the size limit")
        .toRoute();
  }

  private static Route bad(String detail) {
    return Validation.problem(detail).toRoute();
  }
}
