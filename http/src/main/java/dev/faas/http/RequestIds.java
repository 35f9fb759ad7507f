package dev.faas.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.mapRouteResultFuture;

import dev.faas.actors.activation.RequestIdMdc;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.MDC;

/**
 * The request id (API.md, "Requests and traces"): the caller's {@code X-Request-Id} when it is
 * sane (1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._:-]}), otherwise a new random
 * one, never the caller's text. It is set on every response, replaces the header the inner routes
 * see (so they read a sane one), and is in the SLF4J MDC under {@value #MDC_KEY} while the route
 * runs; callbacks that log later restore it with {@link #logging(Function)}.
 */
public final class RequestIds {
  /** The header, in requests and responses. */
  public static final String HEADER = "X-Request-Id";
  /** The MDC key the log pattern shows. */
  public static final String MDC_KEY = RequestIdMdc.KEY;
  /** The longest caller id kept. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int GENERATED_LENGTH = 24;

  private RequestIds() {}

  /** True when {@code id} may be kept as it is. */
  public static boolean isSane(String id) {
    return id != null && SANE.matcher(id).matches();
  }

  /** {@code offered} when it is sane, otherwise a new id. */
  public static String accept(String offered) {
    return isSane(offered) ? offered : generate();
  }

  /** A new random id, 24 lower-case alphanumerics. */
  public static String generate() {
    char[] id = new char[GENERATED_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  /** The (sanitized) id of {@code request} inside {@link #around(Route)}; null outside it. */
  static String of(HttpRequest request) {
    Optional<HttpHeader> header = request.getHeader(HEADER);
    return header.map(HttpHeader::value).filter(RequestIds::isSane).orElse(null);
  }

  /**
   * {@code inner} with an id per request: read or made, put on the request the inner route sees
   * and on whatever response it gives (errors, rejections and 404s included, when {@code inner} is
   * sealed), and in the MDC while {@code inner} runs on this thread.
   */
  static Route around(Route inner) {
    return extractRequest(
        request -> {
          String id = accept(request.getHeader(HEADER).map(HttpHeader::value).orElse(null));
          // Set while the inner route runs on this thread, removed as soon as it returns its
          // (possibly unfinished) result: a pooled thread never keeps another request's id.
          MDC.put(MDC_KEY, id);
          return mapResponse(
              response -> withId(response, id),
              () ->
                  mapRequest(
                      r -> r.removeHeader(HEADER).addHeader(HttpHeader.parse(HEADER, id)),
                      () ->
                          mapRouteResultFuture(
                              result -> {
                                MDC.remove(MDC_KEY);
                                return result;
                              },
                              () -> inner)));
        });
  }

  /**
   * {@code inner} applied with the id of {@code request} in the MDC, which is put back as it was
   * when {@code inner} returns: for a route that goes on after an asynchronous step (a body read,
   * an authentication), on whatever thread completed it.
   */
  static Route scoped(HttpRequest request, Supplier<Route> inner) {
    String id = of(request);
    if (id == null) {
      return inner.get();
    }
    String[] before = new String[1];
    return mapRouteResultFuture(
        result -> {
          restore(before[0]);
          return result;
        },
        () -> {
          before[0] = MDC.get(MDC_KEY);
          MDC.put(MDC_KEY, id);
          return inner.get();
        });
  }

  private static void restore(String previous) {
    if (previous == null) {
      MDC.remove(MDC_KEY);
    } else {
      MDC.put(MDC_KEY, previous);
    }
  }

  private static HttpResponse withId(HttpResponse response, String id) {
    return response.removeHeader(HEADER).addHeader(HttpHeader.parse(HEADER, id));
  }

  /**
   * {@code handler} run with the MDC as it is now (when the route is built, inside {@link
   * #around(Route)}): for a callback that completes on another thread and logs.
   */
  static <T, R> Function<T, R> logging(Function<T, R> handler) {
    Map<String, String> context = MDC.getCopyOfContextMap();
    return value -> {
      Map<String, String> before = MDC.getCopyOfContextMap();
      if (context == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(context);
      }
      try {
        return handler.apply(value);
      } finally {
        if (before == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(before);
        }
      }
    };
  }
}
