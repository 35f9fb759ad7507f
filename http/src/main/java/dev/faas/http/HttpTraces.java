package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;

import dev.faas.actors.trace.SpanNames;
import dev.faas.actors.trace.TraceContext;
import dev.faas.actors.trace.TraceSpan;
import dev.faas.actors.trace.Tracing;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The server span of every request (API.md, "Requests and traces"; docs/decisions/0022): a child
 * of the caller's W3C {@code traceparent} when it sent one, named after the route template (never
 * the raw path). Inside it the request carries the span's own {@code traceparent} and {@code
 * tracestate} instead of the caller's, so a route that starts an activation ({@link #of}) makes it
 * a child of this span, and the worker's spans join the same trace.
 */
final class HttpTraces {
  private HttpTraces() {}

  /** {@code inner} in a server span per request; {@code inner} itself when tracing is off. */
  static Route around(Tracing tracing, Function<String, String> templateOf, Route inner) {
    if (!tracing.enabled()) {
      return inner;
    }
    return extractRequest(
        request -> {
          String method = request.method().name();
          String route = templateOf.apply(request.getUri().getPathString());
          TraceSpan span =
              tracing
                  .start(method + " " + route, TraceSpan.Kind.SERVER, of(request))
                  .set("http.request.method", method)
                  .set("http.route", route);
          String requestId = RequestIds.of(request);
          if (requestId != null) {
            span.set(SpanNames.REQUEST_ID, requestId);
          }
          TraceContext context = span.context();
          return mapResponse(
              response -> {
                int status = response.status().intValue();
                span.set("http.response.status_code", status);
                if (status >= 500) {
                  span.fail(Integer.toString(status));
                }
                span.end();
                return response;
              },
              () -> mapRequest(r -> carrying(r, context), () -> inner));
        });
  }

  /** The W3C trace context {@code request} carries; {@link TraceContext#NONE} when none. */
  static TraceContext of(HttpRequest request) {
    return TraceContext.of(
        request.getHeader(TraceContext.TRACEPARENT).map(HttpHeader::value).orElse(null),
        request.getHeader(TraceContext.TRACESTATE).map(HttpHeader::value).orElse(null));
  }

  private static HttpRequest carrying(HttpRequest request, TraceContext context) {
    HttpRequest r =
        request.removeHeader(TraceContext.TRACEPARENT).removeHeader(TraceContext.TRACESTATE);
    if (!context.present()) {
      return r;
    }
    r = r.addHeader(HttpHeader.parse(TraceContext.TRACEPARENT, context.traceparent()));
    return context.tracestate() == null
        ? r
        : r.addHeader(HttpHeader.parse(TraceContext.TRACESTATE, context.tracestate()));
  }
}
