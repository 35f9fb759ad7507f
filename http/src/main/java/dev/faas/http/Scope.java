package dev.faas.http;

import dev.faas.actors.model.ApiKey;
import java.util.Optional;
import java.util.Set;

/**
 * What an API key may call: the one place that decides it, per endpoint (method and template),
 * after authentication and before the handler. A token may call everything; every key may call
 * {@code /v1/auth/verify}; an {@code invoke} key may invoke (its listed functions, or all), and
 * read and list the activation records it started and their logs (only those: {@code
 * InvocationRoutes}, {@code LiveLogRoutes}); a
 * {@code manage} key may do what a token does except manage keys, registries and the user.
 */
final class Scope {
  static final String VERIFY = "GET /v1/auth/verify";
  static final String INVOKE_TEMPLATE = "/v1/functions/{name}/invoke";
  private static final String INVOKE_ENDPOINT = "POST " + INVOKE_TEMPLATE;
  // The handlers answer 404 for a record the key did not start and list only what it started
  // (InvocationRoutes.record and list).
  static final String ACTIVATION = "GET /v1/activations/{id}";
  static final String ACTIVATIONS = "GET /v1/activations";
  // Likewise only the logs of what it started (LiveLogRoutes).
  static final String ACTIVATION_LOGS = "GET " + LiveLogRoutes.TEMPLATE;

  // Managing the user itself: a key must not delete the account it belongs to, nor read or
  // change the secret its callbacks are signed with.
  private static final Set<String> USER_MANAGEMENT =
      Set.of(
          "DELETE /v1/users/me",
          "GET " + UserRoutes.CALLBACK_SECRET,
          "POST " + UserRoutes.CALLBACK_SECRET);

  private Scope() {}

  /**
   * Whether {@code key} may call the endpoint.
   *
   * @param key the caller's key; null for a token
   * @param method the endpoint's method, such as {@code POST}
   * @param template the endpoint's template, such as {@code /v1/functions/{name}/invoke}
   * @param function the template's {@code {name}}, where it has one
   */
  static boolean allows(ApiKey key, String method, String template, Optional<String> function) {
    if (key == null) {
      return true;
    }
    String endpoint = method + " " + template;
    if (endpoint.equals(VERIFY)) {
      return true;
    }
    return switch (key.scope()) {
      case INVOKE ->
          endpoint.equals(ACTIVATION)
              || endpoint.equals(ACTIVATIONS)
              || endpoint.equals(ACTIVATION_LOGS)
              || endpoint.equals(INVOKE_ENDPOINT)
                  && (key.functions().isEmpty()
                      || function.map(key.functions()::contains).orElse(false));
      case MANAGE ->
          !under(template, "/v1/keys")
              && !under(template, "/v1/registries")
              && !USER_MANAGEMENT.contains(endpoint);
    };
  }

  private static boolean under(String template, String root) {
    return template.equals(root) || template.startsWith(root + "/");
  }

  /** The 403 for a key that may not call an endpoint. */
  static Problem refused(ApiKey key) {
    return ProblemType.INSUFFICIENT_SCOPE.problem(
        "this API key (scope '"
            + key.scope().name().toLowerCase(java.util.Locale.ROOT)
            + "') may not do this");
  }
}
