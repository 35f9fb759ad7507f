package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.DELETE;
import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.model.HttpMethods.PUT;

import java.util.List;

/** The endpoints of a user's registry credentials; every one acts on the caller's own only. */
final class RegistryRoutes {
  static final String ITEM = "/v1/registries/{host}";

  private final RegistryOperations registries;

  RegistryRoutes(RegistryOperations registries) {
    this.registries = registries;
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.authenticated(
            GET,
            "/v1/registries",
            (params, caller) -> Responses.complete(() -> registries.list(caller.userId()))),
        Endpoint.authenticated(
            PUT,
            ITEM,
            (params, caller) ->
                JsonBody.object(
                    body ->
                        Responses.complete(
                            () ->
                                registries.put(
                                    caller,
                                    host(params),
                                    RegistryLoginRequest.parse(body))))),
        Endpoint.authenticated(
            DELETE,
            ITEM,
            (params, caller) ->
                Responses.complete(() -> registries.delete(caller.userId(), host(params)))));
  }

  private static String host(PathParams params) {
    return RegistryLoginRequest.checkHost(params.get("host"));
  }
}
