package dev.faas.http;

import static org.apache.pekko.http.javadsl.model.HttpMethods.DELETE;
import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.model.HttpMethods.POST;
import static org.apache.pekko.http.javadsl.model.HttpMethods.PUT;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The endpoints of functions; every one acts on the caller's own functions only. */
final class FunctionRoutes {
  static final String ITEM = "/v1/functions/{name}";

  private final FunctionOperations functions;

  FunctionRoutes(FunctionOperations functions) {
    this.functions = functions;
  }

  List<Endpoint> endpoints() {
    return List.of(
        Endpoint.authenticated(
            POST,
            "/v1/functions",
            (params, caller) ->
                JsonBody.object(
                    body ->
                        Responses.complete(
                            () ->
                                functions.create(
                                    caller,
                                    FunctionRequest.forCreate(
                                        body, functions.maxConcurrentPerUser()))))),
        Endpoint.authenticated(
            GET,
            "/v1/functions",
            (params, caller) ->
                Responses.complete(
                    () -> CompletableFuture.completedFuture(functions.list(caller.userId())))),
        Endpoint.authenticated(
            GET,
            ITEM,
            (params, caller) ->
                Responses.complete(() -> functions.get(caller.userId(), name(params)))),
        Endpoint.authenticated(
            PUT,
            ITEM,
            (params, caller) ->
                optionalHeaderValueByName(
                    "If-Match",
                    ifMatch ->
                        JsonBody.object(
                            body ->
                                Responses.complete(
                                    () -> {
                                      String name = name(params);
                                      return functions.update(
                                          caller.userId(),
                                          name,
                                          FunctionRequest.forUpdate(
                                              body, name, functions.maxConcurrentPerUser()),
                                          IfMatch.parse(ifMatch));
                                    })))),
        Endpoint.authenticated(
            DELETE,
            ITEM,
            (params, caller) ->
                Responses.complete(() -> functions.delete(caller.userId(), name(params)))));
  }

  private static String name(PathParams params) {
    return FunctionRequest.checkName(params.get("name"), "the function name in the path");
  }
}
