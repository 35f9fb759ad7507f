package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The platform's REST API at one base URL, with one bearer credential (or none): every call the
 * commands make goes through {@link #send}, which turns what cannot be reached into {@link
 * ExitCode#UNAVAILABLE} and leaves statuses to the caller ({@link #expect}).
 */
public final class ApiClient {
  /** Management calls answer at once; anything slower is the platform in trouble. */
  public static final Duration CALL = Duration.ofSeconds(60);
  /** A synchronous call: the accept timeout (30 s) plus the longest function timeout (300 s). */
  public static final Duration INVOKE = Duration.ofMinutes(6);

  private static final String USER_AGENT = "faas-cli/" + Version.VERSION;

  private final HttpClient http;
  private final String baseUrl;
  private final String token;

  public ApiClient(HttpClient http, String baseUrl, String token) {
    this.http = http;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  /** The base URL, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** {@code value} as one path segment: a name can never reach another path. */
  public static String segment(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The same node, with {@code bearer} as the credential. */
  public ApiClient withToken(String bearer) {
    return new ApiClient(http, baseUrl, bearer);
  }

  /** A call with a JSON body (or none when {@code json} is null), answered whatever its status. */
  public Response send(String method, String path, JsonNode json, Map<String, String> headers) {
    byte[] body = json == null ? null : Json.bytes(json);
    return send(method, path, body, json == null ? headers : with(headers, "Content-Type", "application/json"), CALL);
  }

  /** Any call, answered whatever its status. */
  public Response send(String method, String path, byte[] body, Map<String, String> headers, Duration timeout) {
    HttpRequest request = request(method, path, body, headers, timeout);
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.ERROR, "interrupted");
    }
  }

  /** A call whose body is read as it arrives (server-sent events); the caller closes the stream. */
  public HttpResponse<InputStream> stream(String path, Map<String, String> headers) {
    HttpRequest request = request("GET", path, null, headers, null);
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.ERROR, "interrupted");
    }
  }

  /** GET of a JSON answer, which must be a success. */
  public JsonNode get(String path) {
    return expect(send("GET", path, (JsonNode) null, Map.of())).json();
  }

  /** {@code response} when it is a success (2xx), else its problem as an {@link ApiError}. */
  public static Response expect(Response response) {
    if (response.status() / 100 != 2) {
      throw ApiError.of(response);
    }
    return response;
  }

  private HttpRequest request(String method, String path, byte[] body, Map<String, String> headers, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(baseUrl + path);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("not a valid URL: " + baseUrl + path);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
            .header("User-Agent", USER_AGENT);
    if (timeout != null) {
      request.timeout(timeout);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    return request.build();
  }

  private CliException unreachable(IOException e) {
    String why;
    if (e instanceof SSLException) {
      why = "TLS failed (" + e.getMessage() + "); for a node with a self-signed certificate, give it with --ca-file";
    } else if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
      why = "could not connect" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    } else if (e instanceof HttpTimeoutException) {
      why = "no answer in time";
    } else {
      why = String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
    return new CliException(ExitCode.UNAVAILABLE, "cannot reach the platform at " + baseUrl + ": " + why, e);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.put(name, value);
    return all;
  }

  /** A whole answer: status, headers and body bytes. */
  public record Response(int status, Map<String, java.util.List<String>> headers, byte[] body) {
    /** The first value of a header (case-insensitive), or null. */
    public String header(String name) {
      for (Map.Entry<String, java.util.List<String>> h : headers.entrySet()) {
        if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
          return h.getValue().get(0);
        }
      }
      return null;
    }

    /** The body as JSON; an answer that is not JSON is the platform's fault. */
    public JsonNode json() {
      JsonNode node = jsonOrNull();
      if (node == null) {
        throw new CliException(ExitCode.ERROR, "the platform answered " + status + " with a body that is not JSON: " + text());
      }
      return node;
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    public JsonNode jsonOrNull() {
      return body.length == 0 ? null : Json.readOrNull(body);
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
