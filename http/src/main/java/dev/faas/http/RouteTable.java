package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.reject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.Rejections;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API's endpoints and the one route that dispatches to them. A path that matches no template is
 * rejected empty (404); a path that matches with another method is rejected with one method
 * rejection per allowed method (405 with {@code Allow}). Where two templates match one path, the
 * one with more literal segments wins.
 */
final class RouteTable {
  /** The template a request matched nothing by, for metrics. */
  static final String UNMATCHED = "unmatched";

  private record Compiled(Endpoint endpoint, PathTemplate template) {}

  private final List<Endpoint> endpoints;
  private final List<Compiled> byPrecedence;

  RouteTable(List<Endpoint> endpoints) {
    Set<String> seen = new HashSet<>();
    List<Compiled> compiled = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      if (!seen.add(endpoint.method().name() + " " + endpoint.template())) {
        throw new IllegalArgumentException(
            "endpoint registered twice: " + endpoint.method().name() + " " + endpoint.template());
      }
      compiled.add(new Compiled(endpoint, PathTemplate.parse(endpoint.template())));
    }
    compiled.sort(Comparator.comparingInt((Compiled c) -> c.template().literalCount()).reversed());
    this.endpoints = List.copyOf(endpoints);
    this.byPrecedence = List.copyOf(compiled);
  }

  List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The route that serves every endpoint of the table, authenticating where it must. */
  Route route(Authenticator authenticator) {
    return extractRequest(
        request -> {
          String path = request.getUri().getPathString();
          Set<HttpMethod> allowed = new LinkedHashSet<>();
          for (Compiled candidate : byPrecedence) {
            Optional<PathParams> params = candidate.template().match(path);
            if (params.isEmpty()) {
              continue;
            }
            Endpoint endpoint = candidate.endpoint();
            if (!endpoint.method().equals(request.method())) {
              allowed.add(endpoint.method());
              continue;
            }
            // The handler may run after the authentication, on another thread: with the
            // request's id in the MDC all the same (RequestIds).
            return endpoint.access() == Endpoint.Access.OPEN
                ? RequestIds.scoped(request, () -> endpoint.handler().handle(params.get(), null))
                : authenticator.authenticated(
                    caller ->
                        Scope.allows(
                                caller.key(),
                                endpoint.method().name(),
                                endpoint.template(),
                                Optional.ofNullable(params.get().values().get("name")))
                            ? RequestIds.scoped(
                                request, () -> endpoint.handler().handle(params.get(), caller))
                            : Scope.refused(caller.key()).toRoute());
          }
          if (allowed.isEmpty()) {
            return reject();
          }
          List<Rejection> rejections =
              allowed.stream().map(m -> (Rejection) Rejections.method(m)).toList();
          return reject(
              rejections.get(0),
              rejections.subList(1, rejections.size()).toArray(Rejection[]::new));
        });
  }

  /** The template {@code rawPath} is served under, whatever the method; else {@link #UNMATCHED}. */
  String templateOf(String rawPath) {
    return byPrecedence.stream()
        .filter(c -> c.template().match(rawPath).isPresent())
        .map(c -> c.template().text())
        .findFirst()
        .orElse(UNMATCHED);
  }
}
