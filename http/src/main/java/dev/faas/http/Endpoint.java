package dev.faas.http;

import java.util.Objects;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One entry of the API's route table: a method, a path template such as {@code
 * /v1/functions/{name}}, and the route that serves it. The table, not pekko-http path directives,
 * is the source of truth for what is served: metrics are tagged by {@link #template()}, and a test
 * compares the table with the OpenAPI document.
 *
 * <p>Other modules add endpoints (invocation, activations) by passing more {@code Endpoint}s to
 * {@link HttpApi}; an {@link #authenticated} endpoint is only reached with a verified caller.
 *
 * @param method the HTTP method
 * @param template the path: literal segments and {@code {param}} segments, no trailing slash
 * @param access whether a bearer token is required
 * @param handler builds the route for one matched request
 */
public record Endpoint(HttpMethod method, String template, Access access, Handler handler) {

  /** Who may call an endpoint. */
  public enum Access {
    /** Anyone, without a token. */
    OPEN,
    /** Only a caller with a valid bearer token whose user still exists. */
    BEARER
  }

  /** Serves one request that matched the endpoint. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param params the template's parameters
     * @param caller the authenticated caller; {@code null} for {@link Access#OPEN} endpoints
     */
    Route handle(PathParams params, AuthenticatedUser caller);
  }

  /** The route for an open endpoint, which has no caller. */
  @FunctionalInterface
  public interface OpenHandler {
    /** The route for one request, given the template's parameters. */
    Route handle(PathParams params);
  }

  /** The route for an authenticated endpoint. */
  @FunctionalInterface
  public interface UserHandler {
    /** The route for one request of {@code caller}, given the template's parameters. */
    Route handle(PathParams params, AuthenticatedUser caller);
  }

  /** Refuses a missing part or a malformed template at once, not at the first request. */
  public Endpoint {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(handler, "handler");
    PathTemplate.parse(template); // fails fast on a malformed template
  }

  /** An endpoint anyone may call. */
  public static Endpoint open(HttpMethod method, String template, OpenHandler handler) {
    return new Endpoint(method, template, Access.OPEN, (params, caller) -> handler.handle(params));
  }

  /** An endpoint that requires a bearer token. */
  public static Endpoint authenticated(HttpMethod method, String template, UserHandler handler) {
    return new Endpoint(method, template, Access.BEARER, handler::handle);
  }
}
