package dev.faas.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.FakeImageResolver;
import dev.faas.actors.fakes.FakeRegistryCredentials;
import dev.faas.actors.fakes.MutableClock;
import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.store.WatchedCache;
import dev.faas.actors.trace.Tracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The API bound on a random loopback port over in-memory stores, called with the JDK's HTTP client:
 * what a test sees is what goes over the wire. The caches are not fed by the stores' watches, so
 * every test also proves the routes apply their own writes to the caches.
 */
final class ApiFixture implements AutoCloseable {
  static final String PASSWORD = "correct horse";
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  final InMemoryUserStore userStore = new InMemoryUserStore();
  final InMemoryFunctionStore functionStore = new InMemoryFunctionStore();
  final InMemoryConfigStore configStore = new InMemoryConfigStore();
  final InMemoryKeyStore keyStore = new InMemoryKeyStore();
  final WatchedCache<ApiKey> keys = new WatchedCache<>();
  final FakeImageResolver images = new FakeImageResolver();
  final WatchedCache<ImagePullReport> imagePulls = new WatchedCache<>();
  final WatchedCache<User> users = new WatchedCache<>();
  final WatchedCache<FunctionSpec> functions = new WatchedCache<>();
  final MutableClock clock = new MutableClock(START);
  final InMemoryCallbackSecrets callbackSecrets = new InMemoryCallbackSecrets(clock);
  final FakeRegistryCredentials registries = new FakeRegistryCredentials(clock);
  final FakeStore activations = new FakeStore();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Map<String, Boolean> readiness = new ConcurrentHashMap<>(Map.of("nats", true));
  final byte[] signingKey;
  final TokenService tokens;
  final HttpApi.Dependencies deps;
  final HttpApi api;

  /** Where passwords are hashed: two threads, and a test may hold the work back. */
  final HeldExecutor hashing = new HeldExecutor(Executors.newFixedThreadPool(2));
  private final ActorSystem system;
  private final ServerBinding binding;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI base;
  private final AtomicInteger userCounter = new AtomicInteger();

  ApiFixture(HttpSettings settings, List<Endpoint> contributions, boolean cachesCaughtUp) {
    this(settings, deps -> contributions, cachesCaughtUp);
  }

  /** An API whose contributed endpoints are built from its own dependencies (invocation). */
  ApiFixture(
      HttpSettings settings,
      Function<HttpApi.Dependencies, List<Endpoint>> contributions,
      boolean cachesCaughtUp) {
    this(
        settings,
        contributions,
        cachesCaughtUp,
        quietConfig(),
        PasswordHasher.DEFAULT_MAX_PENDING);
  }

  /** The test system's configuration: pekko's own, without warnings for illegal headers. */
  static Config quietConfig() {
    // Tests send unparseable headers on purpose; pekko would warn about each one.
    return ConfigFactory.parseString("pekko.http.server.parsing.illegal-header-warnings = off")
        .withFallback(ConfigFactory.load());
  }

  /**
   * An API served by an actor system made from {@code systemConfig} (a node's, say), with at most
   * {@code maxPendingHashes} password hashes under way.
   */
  ApiFixture(
      HttpSettings settings,
      Function<HttpApi.Dependencies, List<Endpoint>> contributions,
      boolean cachesCaughtUp,
      Config systemConfig,
      int maxPendingHashes) {
    this(settings, contributions, cachesCaughtUp, systemConfig, maxPendingHashes, Tracing.OFF);
  }

  /** As above, its requests traced in {@code tracing}. */
  ApiFixture(
      HttpSettings settings,
      Function<HttpApi.Dependencies, List<Endpoint>> contributions,
      boolean cachesCaughtUp,
      Config systemConfig,
      int maxPendingHashes,
      Tracing tracing) {
    if (cachesCaughtUp) {
      users.caughtUp();
      functions.caughtUp();
    }
    signingKey =
        configStore
            .getOrCreate("jwt-signing-key", ApiFixture::randomKey)
            .toCompletableFuture()
            .join();
    tokens = new TokenService(signingKey, clock, Duration.ofHours(1));
    // Cheap Argon2 parameters: the tests are about the API, not the cost of the hash.
    PasswordHasher hasher = new PasswordHasher(256, 1, 1, hashing, maxPendingHashes);
    deps =
        new HttpApi.Dependencies(
            userStore,
            functionStore,
            images,
            imagePulls,
            users,
            functions,
            hasher,
            tokens,
            registries,
            registry,
            () -> Map.copyOf(readiness),
            clock,
            activations,
            keyStore,
            keys,
            callbackSecrets);
    api = new HttpApi(settings, deps, contributions.apply(deps));
    system = ActorSystem.create("http-test", systemConfig);
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(api.serverRoute(tracing))
            .toCompletableFuture()
            .join();
    base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
  }

  ApiFixture(HttpSettings settings, List<Endpoint> contributions) {
    this(settings, contributions, true);
  }

  /** A 4 KiB body limit, small enough to exceed cheaply. */
  ApiFixture() {
    this(new HttpSettings(4096, HttpSettings.DEFAULT_UPDATE_ATTEMPTS), List.of());
  }

  static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Sends one request; {@code headers} alternate names and values. */
  HttpResponse<String> call(
      String method, String path, String token, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  ActorSystem system() {
    return system;
  }

  URI uri(String path) {
    return base.resolve(path);
  }

  /** A fresh username, unique within this fixture. */
  String uniqueName(String prefix) {
    return prefix + userCounter.incrementAndGet();
  }

  HttpResponse<String> register(String username, String password) {
    return call("POST", "/v1/users", null, credentials(username, password));
  }

  HttpResponse<String> login(String username, String password) {
    return call("POST", "/v1/tokens", null, credentials(username, password));
  }

  /** Registers {@code username} with {@link #PASSWORD} and returns a token for it. */
  String userWithToken(String username) {
    check(register(username, PASSWORD), 201);
    return json(check(login(username, PASSWORD), 200)).get("token").asText();
  }

  /** The user id of the user {@code username} as it is stored now (what their data is keyed by). */
  String idOf(String username) {
    return userStore.kv.get(username).orElseThrow().value().userId();
  }

  /** Registers a fresh user and returns a token for it. */
  String newUserToken() {
    return userWithToken(uniqueName("user"));
  }

  HttpResponse<String> createFunction(String token, String name, String image) {
    return call(
        "POST", "/v1/functions", token, "{\"name\":\"" + name + "\",\"image\":\"" + image + "\"}");
  }

  static String credentials(String username, String password) {
    return Json.MAPPER
        .createObjectNode()
        .put("username", username)
        .put("password", password)
        .toString();
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  static HttpResponse<String> check(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new AssertionError(
          "expected " + status + " but got " + response.statusCode() + ": " + response.body());
    }
    return response;
  }

  @Override
  public void close() {
    try {
      binding.unbind().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
      hashing.shutdownNow();
      registry.close();
    }
  }
}
