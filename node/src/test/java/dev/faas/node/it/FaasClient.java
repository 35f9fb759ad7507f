package dev.faas.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One user's view of the platform's HTTPS API on one node, as a client from outside would use
 * it: every call goes over the network to the real node process.
 */
public final class FaasClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

  private final HttpClient http;
  private final String baseUrl;
  private final String token;

  private FaasClient(HttpClient http, String baseUrl, String token) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** Registers {@code username} on the node and logs in. */
  public static FaasClient signUp(HttpClient http, String baseUrl, String username)
      throws Exception {
    FaasClient anonymous = new FaasClient(http, baseUrl, null);
    String credentials =
        "{\"username\":\"" + username + "\",\"password\":\"it-password-" + username + "\"}";
    Reply created = anonymous.call("POST", "/v1/users", credentials);
    assertEquals(201, created.status(), created.text());
    Reply issued = anonymous.call("POST", "/v1/tokens", credentials);
    assertEquals(200, issued.status(), issued.text());
    return new FaasClient(http, baseUrl, issued.json().get("token").asText());
  }

  /** Logs in as a user registered elsewhere (through the web console, say). */
  public static FaasClient logIn(HttpClient http, String baseUrl, String username, String password)
      throws Exception {
    Reply issued =
        new FaasClient(http, baseUrl, null)
            .call(
                "POST",
                "/v1/tokens",
                JSON.writeValueAsString(Map.of("username", username, "password", password)));
    assertEquals(200, issued.status(), issued.text());
    return new FaasClient(http, baseUrl, issued.json().get("token").asText());
  }

  /** The same user, through another node (the signing key is shared through NATS). */
  public FaasClient on(HttpClient otherHttp, String otherBaseUrl) {
    return new FaasClient(otherHttp, otherBaseUrl, token);
  }

  /** The same node, authenticating with {@code bearer} instead (an API key, say). */
  public FaasClient withBearer(String bearer) {
    return new FaasClient(http, baseUrl, bearer);
  }

  /** Registers a function from its JSON and checks the 201. */
  public void createFunction(String json) throws Exception {
    Reply created = call("POST", "/v1/functions", json);
    assertEquals(201, created.status(), "creating " + json + ": " + created.text());
  }

  /** Registers function {@code name} running {@code image} with default limits. */
  public void createFunction(String name, String image) throws Exception {
    createFunction("{\"name\":\"" + name + "\",\"image\":\"" + image + "\"}");
  }

  /** Invokes {@code name} with {@code parameter} as the body, synchronously. */
  public Reply invoke(String name, byte[] parameter, String... headers) throws Exception {
    return invokeAsync(name, parameter, headers).join();
  }

  /** Invokes {@code name} with a UTF-8 parameter. */
  public Reply invoke(String name, String parameter, String... headers) throws Exception {
    return invoke(name, parameter.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** Sends the invocation now and completes with its reply and how long it took to arrive. */
  public CompletableFuture<Reply> invokeAsync(String name, byte[] parameter, String... headers) {
    HttpRequest.Builder request =
        request("/v1/functions/" + name + "/invoke")
            .POST(HttpRequest.BodyPublishers.ofByteArray(parameter))
            .header("Content-Type", "application/octet-stream");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  /**
   * The user id this client's token is for ({@code X-User-Id} of {@code /v1/auth/verify}): what
   * the user's data is keyed by in the buckets.
   */
  public String userId() throws Exception {
    Reply verified = get("/v1/auth/verify");
    assertEquals(200, verified.status(), verified.text());
    return verified.header("X-User-Id");
  }

  /** A GET of {@code path}. */
  public Reply get(String path) throws Exception {
    return call("GET", path, null);
  }

  /** Any call, with a JSON body when {@code json} is not null. */
  public Reply call(String method, String path, String json) throws Exception {
    HttpRequest.Builder request =
        request(path)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return send(request.build()).join();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(CALL_TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private CompletableFuture<Reply> send(HttpRequest request) {
    long start = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Reply(r, Duration.ofNanos(System.nanoTime() - start)));
  }

  /** A response and how long it took from sending the request to having the whole body. */
  public record Reply(HttpResponse<byte[]> response, Duration took) {
    public int status() {
      return response.statusCode();
    }

    public byte[] body() {
      return response.body();
    }

    public String text() {
      return new String(response.body(), StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text(), e);
      }
    }

    public String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    /** The status, the time and the body, for assertion messages. */
    @Override
    public String toString() {
      String body = text();
      return status() + " in " + took.toMillis() + " ms: "
          + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }
}
