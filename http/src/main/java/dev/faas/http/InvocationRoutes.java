package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.model.HttpMethods.POST;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.Names;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.TraceContext;
import dev.faas.http.ApiResult.Invalid;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Invocation and activation records (API.md, "Invocation"). The invoke body, whatever its content
 * type, is the parameter byte for byte; the outcome of the activation maps to a status in {@link
 * InvocationResponses}, the one place that does so.
 */
final class InvocationRoutes {
  static final int DEFAULT_LIST_LIMIT = 50;
  static final int MAX_LIST_LIMIT = 200;
  /** Cursors are a few characters; anything much longer is not one. */
  static final int MAX_CURSOR_LENGTH = 256;
  private static final String CURSOR_DETAIL =
      "cursor: not a cursor of this listing (use the nextCursor of its previous page)";

  /** The longest {@code ?wait=} of {@code GET /v1/activations/{id}}, in seconds. */
  static final int MAX_WAIT_SECONDS = 60;
  /** The longest {@code Idempotency-Key} taken. */
  static final int MAX_IDEMPOTENCY_KEY = 255;

  private final Lookups lookups;
  private final Invoker invoker;
  private final AsyncInvoker async;
  private final ActivationStore activations;

  InvocationRoutes(Lookups lookups, Invoker invoker, ActivationStore activations) {
    this(lookups, invoker, null, activations);
  }

  /** @param async accepts {@code Prefer: respond-async} calls; null: every call is synchronous */
  InvocationRoutes(
      Lookups lookups, Invoker invoker, AsyncInvoker async, ActivationStore activations) {
    this.lookups = lookups;
    this.invoker = invoker;
    this.async = async;
    this.activations = activations;
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.authenticated(
            POST,
            "/v1/functions/{name}/invoke",
            (params, caller) ->
                extractRequest(
                    request ->
                        entity(
                            Unmarshaller.entityToByteString(),
                            body ->
                                RequestIds.scoped(
                                    request,
                                    () ->
                                        invoke(
                                            caller, params.get("name"), body.toArray(),
                                            request))))),
        Endpoint.authenticated(
            GET,
            "/v1/activations/{id}",
            (params, caller) ->
                parameterOptional(
                    "wait",
                    wait -> completeWithFuture(record(caller, params.get("id"), wait)))),
        Endpoint.authenticated(
            GET,
            "/v1/activations",
            (params, caller) ->
                parameterOptional(
                    "function",
                    function ->
                        parameterOptional(
                            "limit",
                            limit ->
                                parameterOptional(
                                    "cursor",
                                    cursor ->
                                        completeWithFuture(
                                            list(caller, function, limit, cursor)))))));
  }

  private Route invoke(AuthenticatedUser caller, String name, byte[] input, HttpRequest request) {
    String checked;
    try {
      checked = FunctionRequest.checkName(name, "the function name in the path");
    } catch (InvalidRequest e) {
      return Responses.complete(() -> CompletableFuture.completedFuture(new Invalid(e.getMessage())));
    }
    boolean wantsRecord = InvocationResponses.wantsJson(request);
    String requestId = RequestIds.of(request);
    // The server span's context, when traced (HttpTraces): the activation's spans are its.
    TraceContext trace = HttpTraces.of(request);
    if (async != null && AsyncResponses.prefersAsync(request)) {
      return submit(caller, checked, input, request, requestId, trace);
    }
    if (AsyncResponses.callbackUrl(request).isPresent()) {
      // A callback belongs to an asynchronous call; a synchronous one never turns into one.
      return completeWithFuture(
          invalid(
              AsyncResponses.CALLBACK_URL,
              AsyncResponses.CALLBACK_URL + " needs Prefer: respond-async"));
    }
    CompletionStage<HttpResponse> response =
        lookups
            .function(caller.userId(), checked)
            .thenCompose(
                found ->
                    found.isEmpty()
                        ? CompletableFuture.completedFuture(
                            Problem.of(StatusCodes.NOT_FOUND, "no function named " + checked)
                                .toResponse())
                        : invoker
                            .invoke(
                                new Invoker.Invocation(
                                    found.get(), input, caller.keyId(), requestId, trace))
                            .thenApply(
                                (Outcome outcome) ->
                                    InvocationResponses.of(outcome, wantsRecord)))
            .exceptionally(RequestIds.logging(Responses::failure));
    return completeWithFuture(response);
  }

  /**
   * {@code Prefer: respond-async}: the function's existence and the backlog are checked (the
   * parameter's size was, by the body limit) before the {@code 202}, never after it.
   */
  private Route submit(
      AuthenticatedUser caller,
      String name,
      byte[] input,
      HttpRequest request,
      String requestId,
      TraceContext trace) {
    Optional<String> key = AsyncResponses.idempotencyKey(request);
    if (key.isPresent() && (key.get().isEmpty() || key.get().length() > MAX_IDEMPOTENCY_KEY)) {
      return completeWithFuture(
          invalid(
              "Idempotency-Key",
              "Idempotency-Key: 1 to " + MAX_IDEMPOTENCY_KEY + " characters"));
    }
    Optional<String> callback = AsyncResponses.callbackUrl(request);
    Optional<String> callbackProblem = callback.flatMap(AsyncResponses::callbackProblem);
    if (callbackProblem.isPresent()) {
      return completeWithFuture(invalid(AsyncResponses.CALLBACK_URL, callbackProblem.get()));
    }
    CompletionStage<HttpResponse> response =
        lookups
            .function(caller.userId(), name)
            .thenCompose(
                found ->
                    found.isEmpty()
                        ? CompletableFuture.completedFuture(
                            Problem.of(StatusCodes.NOT_FOUND, "no function named " + name)
                                .toResponse())
                        : async
                            .submit(
                                new AsyncInvoker.Submission(
                                    new Invoker.Invocation(
                                        found.get(), input, caller.keyId(), requestId, trace),
                                    key.orElse(null),
                                    callback.orElse(null)))
                            .thenApply(AsyncResponses::accepted)
                            .exceptionally(AsyncResponses::refused))
            .exceptionally(RequestIds.logging(Responses::failure));
    return completeWithFuture(response);
  }

  private CompletionStage<HttpResponse> record(
      AuthenticatedUser caller, String id, Optional<String> waitText) {
    if (!Names.isActivationId(id)) {
      // Never a key: an id outside the grammar cannot name anybody's activation.
      return CompletableFuture.completedFuture(missing(id));
    }
    int wait;
    try {
      wait = waitText.map(Integer::parseInt).orElse(0);
    } catch (NumberFormatException e) {
      wait = -1;
    }
    if (wait < 0 || wait > MAX_WAIT_SECONDS) {
      return invalid("wait", "wait: a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }
    return (wait == 0
            ? activations.get(caller.userId(), id)
            : activations.awaitFinal(caller.userId(), id, Duration.ofSeconds(wait)))
        .thenApply(
            (Optional<ActivationRecord> found) ->
                found
                    // An invoke key reads only what it started; the rest answers as if it did not
                    // exist.
                    .filter(r -> listedFor(caller) == null || listedFor(caller).equals(r.startedBy()))
                    .map(r -> Json.response(StatusCodes.OK, ActivationView.of(r)))
                    .orElseGet(() -> missing(id)))
        .exceptionally(RequestIds.logging(Responses::failure));
  }

  private static HttpResponse missing(String id) {
    return Problem.of(StatusCodes.NOT_FOUND, "no activation with id " + id).toResponse();
  }

  /**
   * One page of the caller's records (API.md, "Listing activations"): at most {@code limit}, no
   * result and no logs, and {@code nextCursor} when there are more. Its size is bounded by {@link
   * #MAX_LIST_LIMIT} summaries whatever the caller has stored.
   */
  private CompletionStage<HttpResponse> list(
      AuthenticatedUser caller,
      Optional<String> function,
      Optional<String> limitText,
      Optional<String> cursor) {
    if (function.isPresent() && !Names.isFunctionName(function.get())) {
      return invalid("function", "function: not a valid function name");
    }
    int limit;
    try {
      limit = limitText.map(Integer::parseInt).orElse(DEFAULT_LIST_LIMIT);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIST_LIMIT) {
      return invalid("limit", "limit: must be a whole number from 1 to " + MAX_LIST_LIMIT);
    }
    if (cursor.isPresent() && cursor.get().length() > MAX_CURSOR_LENGTH) {
      return invalid("cursor", CURSOR_DETAIL);
    }
    return activations
        .list(caller.userId(), listedFor(caller), function.orElse(null), limit, cursor.orElse(null))
        .thenApply(
            (ActivationPage page) -> Json.response(StatusCodes.OK, ActivationListView.of(page)))
        .exceptionally(
            RequestIds.logging(failure ->
                Stages.unwrap(failure) instanceof ActivationPage.BadCursor
                    ? ProblemType.VALIDATION
                        .problem(CURSOR_DETAIL)
                        .with("field", "cursor")
                        .toResponse()
                    : Responses.failure(failure)));
  }

  /**
   * Whose records a listing holds: an {@code invoke} key lists only what it started, as it reads
   * only those records; a token or a {@code manage} key lists every record of the user.
   */
  private static String listedFor(AuthenticatedUser caller) {
    return caller.key() != null && caller.key().scope() == ApiKey.Scope.INVOKE
        ? caller.key().id()
        : null;
  }

  private static CompletionStage<HttpResponse> invalid(String field, String detail) {
    return CompletableFuture.completedFuture(
        ProblemType.VALIDATION.problem(detail).with("field", field).toResponse());
  }
}
