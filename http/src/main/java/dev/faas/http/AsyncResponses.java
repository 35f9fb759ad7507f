package dev.faas.http;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.AdmissionRefused;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The HTTP side of asynchronous invocation (docs/api.md, "Asynchronous invocation"): whether a
 * call asks for it, and the {@code 202} or the refusal it gets.
 */
final class AsyncResponses {
  static final String PREFER = "Prefer";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String CALLBACK_URL = "X-Callback-Url";
  /** The longest {@code X-Callback-Url} taken. */
  static final int MAX_CALLBACK_URL = 2048;

  private AsyncResponses() {}

  /** True when a {@code Prefer} header names {@code respond-async} (RFC 7240). */
  static boolean prefersAsync(HttpRequest request) {
    for (HttpHeader h : request.getHeaders()) {
      if (h.is(PREFER.toLowerCase(Locale.ROOT))) {
        for (String preference : h.value().split(",")) {
          String token = preference.split(";", 2)[0].trim();
          if (token.equalsIgnoreCase("respond-async")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static Optional<String> idempotencyKey(HttpRequest request) {
    return request.getHeader(IDEMPOTENCY_KEY.toLowerCase(Locale.ROOT)).map(HttpHeader::value);
  }

  static Optional<String> callbackUrl(HttpRequest request) {
    return request.getHeader(CALLBACK_URL.toLowerCase(Locale.ROOT)).map(HttpHeader::value);
  }

  /**
   * Why {@code url} cannot be a callback URL, or empty when it can: an absolute {@code http} or
   * {@code https} URL with a host, no user information and no fragment, at most {@value
   * #MAX_CALLBACK_URL} characters. Where it points is the node's to judge.
   */
  static Optional<String> callbackProblem(String url) {
    if (url.isEmpty() || url.length() > MAX_CALLBACK_URL) {
      return Optional.of(CALLBACK_URL + ": 1 to " + MAX_CALLBACK_URL + " characters");
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      return Optional.of(CALLBACK_URL + ": not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of(CALLBACK_URL + ": an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return Optional.of(CALLBACK_URL + ": the URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of(CALLBACK_URL + ": user information in the URL is not allowed");
    }
    if (uri.getRawFragment() != null) {
      return Optional.of(CALLBACK_URL + ": a fragment is not allowed");
    }
    return Optional.empty();
  }

  /** {@code 202}, {@code X-Activation-Id}, {@code Location} and the record's link. */
  static HttpResponse accepted(String activationId) {
    String location = "/v1/activations/" + activationId;
    return Json.response(StatusCodes.ACCEPTED, new Accepted(activationId, "queued", location))
        .addHeader(RawHeader.create(InvocationResponses.ACTIVATION_ID, activationId))
        .addHeader(RawHeader.create("Location", location))
        .addHeader(RawHeader.create("Preference-Applied", "respond-async"));
  }

  /** A full backlog is {@code 429} naming whose; anything else goes to the usual failures. */
  static HttpResponse refused(Throwable failure) {
    Throwable cause = Stages.unwrap(failure);
    if (cause instanceof AdmissionRefused.Full full) {
      boolean user = full.limit() == dev.faas.actors.outcome.LimitReached.USER;
      return (user ? ProblemType.LIMIT_USER : ProblemType.LIMIT_CLUSTER)
          .problem(
              user
                  ? "your backlog of waiting asynchronous activations is full; nothing was queued"
                  : "the platform's backlog of waiting asynchronous activations is full; nothing"
                      + " was queued")
          .with("backlog", true)
          .withHeader("Retry-After", "1")
          .toResponse();
    }
    if (cause instanceof AsyncInvoker.CallbackRefused refusedCallback) {
      return ProblemType.VALIDATION
          .problem(CALLBACK_URL + ": " + refusedCallback.getMessage())
          .with("field", CALLBACK_URL)
          .toResponse();
    }
    if (cause instanceof AdmissionRefused.Unavailable) {
      return ProblemType.WORKER_UNAVAILABLE
          .problem("the backlog of asynchronous activations cannot be reached; nothing was queued")
          .withHeader("Retry-After", "1")
          .toResponse();
    }
    return Responses.failure(cause);
  }

  /** The body of a {@code 202}. */
  record Accepted(String activationId, String status, String location) {}
}
