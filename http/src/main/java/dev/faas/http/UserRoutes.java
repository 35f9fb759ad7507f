package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.DELETE;
import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.model.HttpMethods.POST;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The endpoints of users and tokens. */
final class UserRoutes {
  static final String CALLBACK_SECRET = "/v1/users/me/callback-secret";
  private final UserOperations users;

  UserRoutes(UserOperations users) {
    this.users = users;
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            POST,
            "/v1/users",
            params ->
                JsonBody.object(
                    body -> Responses.complete(() -> users.register(Credentials.parse(body))))),
        Endpoint.open(
            POST,
            "/v1/tokens",
            params ->
                JsonBody.object(
                    body -> Responses.complete(() -> users.login(Credentials.parse(body))))),
        Endpoint.authenticated(
            GET, "/v1/users/me", (params, caller) -> Responses.complete(() -> users.me(caller))),
        Endpoint.authenticated(
            DELETE,
            "/v1/users/me",
            (params, caller) -> Responses.complete(() -> users.delete(caller))),
        Endpoint.authenticated(
            GET,
            CALLBACK_SECRET,
            (params, caller) -> Responses.complete(() -> users.callbackSecret(caller))),
        Endpoint.authenticated(
            POST,
            CALLBACK_SECRET,
            (params, caller) -> Responses.complete(() -> users.rotateCallbackSecret(caller))),
        // For the reverse proxy's forward-auth: reaching the handler is the verification.
        Endpoint.authenticated(
            GET,
            "/v1/auth/verify",
            (params, caller) ->
                Responses.complete(
                    () ->
                        CompletableFuture.completedFuture(
                            new ApiResult.Verified(caller.username(), caller.userId())))));
  }
}
