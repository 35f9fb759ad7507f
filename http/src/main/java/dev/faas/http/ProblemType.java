package dev.faas.http;

import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome.Failed;
import dev.faas.actors.outcome.Outcome.Rejected;
import dev.faas.actors.outcome.Outcome.TimedOut;
import dev.faas.actors.outcome.Outcome.Unavailable;
import dev.faas.actors.outcome.Outcome;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The problem types a client tells apart without reading {@code detail} (docs/api.md, "Problem
 * types"): each is {@code https://faas.dev/problems/<slug>}, with its status and title. The one
 * mapping from an activation's failure to its type, and so to its status, is {@link #of}.
 */
enum ProblemType {
  FUNCTION_EXIT("function-exit", StatusCodes.BAD_GATEWAY, "The function exited with an error"),
  FUNCTION_OOM("function-oom", StatusCodes.BAD_GATEWAY, "The function ran out of memory"),
  FUNCTION_OUTPUT_TOO_LARGE(
      "function-output-too-large", StatusCodes.BAD_GATEWAY, "The function's output is too large"),
  FUNCTION_TIMEOUT("function-timeout", StatusCodes.GATEWAY_TIMEOUT, "The function timed out"),
  IMAGE_UNAVAILABLE(
      "image-unavailable", StatusCodes.BAD_GATEWAY, "The function's image is not available"),
  LIMIT_CLUSTER(
      "limit-cluster", StatusCodes.TOO_MANY_REQUESTS, "The platform's concurrency limit is reached"),
  LIMIT_USER(
      "limit-user", StatusCodes.TOO_MANY_REQUESTS, "Your concurrency limit is reached"),
  LIMIT_FUNCTION(
      "limit-function", StatusCodes.TOO_MANY_REQUESTS,
      "The function's concurrency limit is reached"),
  LIMIT_FUNCTIONS(
      "limit-functions", StatusCodes.CONFLICT, "You have as many functions as you may have"),
  WORKER_UNAVAILABLE(
      "worker-unavailable", StatusCodes.SERVICE_UNAVAILABLE, "No worker could run the activation"),
  WORKER_LOST(
      "worker-lost", StatusCodes.SERVICE_UNAVAILABLE, "The worker running the activation went away"),
  PLATFORM_ERROR(
      "platform-error", StatusCodes.SERVICE_UNAVAILABLE, "The platform could not run the activation"),
  PLATFORM_BUSY(
      "platform-busy", StatusCodes.SERVICE_UNAVAILABLE, "The platform is busy; retry shortly"),
  VALIDATION("validation", StatusCodes.BAD_REQUEST, "The request is not valid"),
  PRECONDITION_FAILED(
      "precondition-failed", StatusCodes.PRECONDITION_FAILED, "The resource has changed"),
  INSUFFICIENT_SCOPE(
      "insufficient-scope", StatusCodes.FORBIDDEN, "The API key's scope does not allow this");

  static final String BASE = "https://faas.dev/problems/";

  private final String slug;
  private final StatusCode status;
  private final String title;

  ProblemType(String slug, StatusCode status, String title) {
    this.slug = slug;
    this.status = status;
    this.title = title;
  }

  /** The type's last path segment, e.g. {@code function-exit}: also its metrics' outcome label. */
  String slug() {
    return slug;
  }

  String uri() {
    return BASE + slug;
  }

  String title() {
    return title;
  }

  StatusCode status() {
    return status;
  }

  /** A problem of this type, its status and title, with {@code detail}. */
  Problem problem(String detail) {
    return Problem.of(status, detail).typed(uri(), title);
  }

  /** The type of an activation's failure: what decides its status too. */
  static ProblemType of(Outcome.Failure failure) {
    if (failure instanceof Failed failed) {
      return of(failed.kind());
    }
    if (failure instanceof TimedOut) {
      return FUNCTION_TIMEOUT;
    }
    if (failure instanceof Rejected rejected) {
      return switch (rejected.limit()) {
        case USER -> LIMIT_USER;
        case FUNCTION -> LIMIT_FUNCTION;
        case CLUSTER -> LIMIT_CLUSTER;
      };
    }
    if (failure instanceof Unavailable) {
      return WORKER_UNAVAILABLE;
    }
    throw new IllegalStateException("unmapped failure " + failure.getClass().getSimpleName());
  }

  static ProblemType of(FailureKind kind) {
    return switch (kind) {
      case NON_ZERO_EXIT -> FUNCTION_EXIT;
      case IMAGE_NOT_FOUND -> IMAGE_UNAVAILABLE;
      case OUT_OF_MEMORY -> FUNCTION_OOM;
      case OUTPUT_TOO_LARGE -> FUNCTION_OUTPUT_TOO_LARGE;
      case TIMEOUT -> FUNCTION_TIMEOUT;
      case WORKER_LOST, WORKER_STOPPED -> WORKER_LOST;
      case PLATFORM_ERROR -> PLATFORM_ERROR;
    };
  }
}
