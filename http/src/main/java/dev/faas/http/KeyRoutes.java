package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.DELETE;
import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.model.HttpMethods.POST;

import java.time.Clock;
import java.util.List;

/** The endpoints of a user's API keys; a token's only ({@link Scope}: no key manages keys). */
final class KeyRoutes {
  private final KeyOperations keys;
  private final Clock clock;

  KeyRoutes(KeyOperations keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.authenticated(
            POST,
            "/v1/keys",
            (params, caller) ->
                JsonBody.object(
                    body ->
                        Responses.complete(
                            () -> keys.create(caller, KeyRequest.parse(body, clock.instant()))))),
        Endpoint.authenticated(
            GET, "/v1/keys", (params, caller) -> Responses.complete(() -> keys.list(caller))),
        Endpoint.authenticated(
            DELETE,
            "/v1/keys/{id}",
            (params, caller) -> Responses.complete(() -> keys.delete(caller, params.get("id")))));
  }
}
