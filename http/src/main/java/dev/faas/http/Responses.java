package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;

import dev.faas.actors.Stages;
import dev.faas.actors.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ETag;
import org.apache.pekko.http.javadsl.model.headers.EntityTag;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapping from outcomes and failures to HTTP responses. */
final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  /** The same body for an unknown user and a wrong password, so neither can be told apart. */
  static final String BAD_CREDENTIALS = "unknown username or wrong password";

  private Responses() {}

  /**
   * Completes with the outcome of {@code operation}. An {@link InvalidRequest} thrown while the
   * operation reads its input answers 400; a failed stage answers by {@link #failure}.
   */
  static Route complete(Supplier<CompletionStage<ApiResult>> operation) {
    CompletionStage<ApiResult> stage;
    try {
      stage = operation.get();
    } catch (InvalidRequest e) {
      stage = CompletableFuture.completedFuture(new ApiResult.Invalid(e.getMessage()));
    }
    // The failure is logged where the stage completes: with this request's id (RequestIds).
    Function<Throwable, HttpResponse> failing = RequestIds.logging(Responses::failure);
    return completeWithFuture(
        stage.handle((outcome, error) -> error == null ? toResponse(outcome) : failing.apply(error)));
  }

  static HttpResponse toResponse(ApiResult outcome) {
    if (outcome instanceof ApiResult.Created created) {
      HttpResponse response =
          Json.response(StatusCodes.CREATED, created.body())
              .addHeader(Location.create(created.location()));
      return withETag(response, created.revision());
    }
    if (outcome instanceof ApiResult.Ok ok) {
      return withETag(Json.response(StatusCodes.OK, ok.body()), ok.revision());
    }
    if (outcome instanceof ApiResult.Deleted || outcome instanceof ApiResult.Written) {
      return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
    }
    if (outcome instanceof ApiResult.Verified verified) {
      return HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .addHeader(RawHeader.create("X-User", verified.username()))
          .addHeader(RawHeader.create("X-User-Id", verified.userId()));
    }
    if (outcome instanceof ApiResult.Missing missing) {
      return Problem.of(StatusCodes.NOT_FOUND, missing.detail()).toResponse();
    }
    if (outcome instanceof ApiResult.Taken taken) {
      return Problem.of(StatusCodes.CONFLICT, taken.detail()).toResponse();
    }
    if (outcome instanceof ApiResult.Contended contended) {
      return Problem.of(StatusCodes.CONFLICT, contended.detail()).toResponse();
    }
    if (outcome instanceof ApiResult.Stale stale) {
      return ProblemType.PRECONDITION_FAILED.problem(stale.detail()).toResponse();
    }
    if (outcome instanceof ApiResult.Invalid invalid) {
      return Validation.problem(invalid.detail()).toResponse();
    }
    if (outcome instanceof ApiResult.FunctionsLimit limit) {
      return ProblemType.LIMIT_FUNCTIONS.problem(limit.detail()).toResponse();
    }
    if (outcome instanceof ApiResult.ImageRefused refused) {
      return Problem.of(StatusCodes.BAD_REQUEST, refused.detail())
          .typed(ProblemType.IMAGE_UNAVAILABLE.uri(), ProblemType.IMAGE_UNAVAILABLE.title())
          .with("field", "image")
          .with("reason", refused.reason())
          .toResponse();
    }
    if (outcome instanceof ApiResult.BadCredentials) {
      return Problem.of(StatusCodes.UNAUTHORIZED, BAD_CREDENTIALS)
          .withHeader("WWW-Authenticate", "Bearer")
          .toResponse();
    }
    throw new IllegalStateException("unmapped outcome " + outcome.getClass().getSimpleName());
  }

  /**
   * The answer to an operation that failed: 503 while the store is unreachable or password hashing
   * is at capacity (the client may retry), 500 for anything else, which is logged here and never described to the client.
   */
  static HttpResponse failure(Throwable error) {
    Throwable cause = Stages.unwrap(error);
    if (cause instanceof StoreException.Unavailable) {
      log.warn("Store unavailable: [{}]", cause.getMessage());
      return Problem.of(
              StatusCodes.SERVICE_UNAVAILABLE, "the data store is unavailable; try again shortly")
          .withHeader("Retry-After", "1")
          .toResponse();
    }
    if (cause instanceof PasswordHasher.Busy) {
      // Answered at once: retrying beats waiting behind a flood of logins.
      return ProblemType.PLATFORM_BUSY
          .problem("too many logins and registrations are being checked; try again shortly")
          .withHeader("Retry-After", "1")
          .toResponse();
    }
    if (cause instanceof InvalidRequest invalid) {
      return Validation.problem(invalid.getMessage()).toResponse();
    }
    log.error("Request failed unexpectedly", cause);
    return Problem.of(
            StatusCodes.INTERNAL_SERVER_ERROR, "the server could not complete the request")
        .toResponse();
  }

  private static HttpResponse withETag(HttpResponse response, Long revision) {
    return revision == null
        ? response
        : response.addHeader(ETag.create(EntityTag.create(Long.toString(revision), false)));
  }
}
