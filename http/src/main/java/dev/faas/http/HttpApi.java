package dev.faas.http;

import dev.faas.actors.activation.ConcurrencyUsage;
import java.util.concurrent.CompletableFuture;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.activation.LiveLogFeed;
import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.image.ImageResolver;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.UserStore;
import dev.faas.actors.store.WatchedCache;
import dev.faas.actors.trace.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The platform's REST API as one pekko-http {@link Route}: users and tokens, functions, registry
 * credentials, the operational endpoints, the web console's static files ({@code /console}),
 * plus whatever endpoints other modules contribute (invocation, activations). The node creates it once and binds {@link #serverRoute()}; TLS and the binding are
 * the node's.
 *
 * <pre>{@code
 * HttpApi api = new HttpApi(HttpSettings.defaults(), deps, invocationEndpoints);
 * Http.get(system).newServerAt(host, port).enableHttps(https).bind(api.serverRoute());
 * }</pre>
 */
public final class HttpApi {
  /**
   * What the API needs from the node.
   *
   * @param userStore where users are written (compare-and-set) and read through on a cache miss
   * @param functionStore where functions are written and read through on a cache miss
   * @param imageResolver what a function's image reference resolves to for its owner (pinning)
   * @param imagePulls the node's watch-fed cache of the workers' image pull reports (a function's
   *     image status)
   * @param users the node's watch-fed cache of the users store, keyed by username; the API also
   *     applies its own writes to it
   * @param functions the node's watch-fed cache of the functions store, keyed by {@code
   *     <owner>.<name>} (the owner a user id); the API also applies its own writes to it
   * @param passwordHasher Argon2id on the node's blocking dispatcher
   * @param tokenService signs and verifies tokens with the cluster's shared key
   * @param registries users' registry credentials, sealed at rest; a user's go when the user does
   * @param meterRegistry where request timers go and what {@code /metrics} scrapes
   * @param readiness the node's component checks for {@code /readyz} (for example {@code nats},
   *     {@code kv}, {@code docker}), read on every probe; the API adds its two caches' catch-up
   * @param clock the time of {@code createdAt} and {@code updatedAt}
   * @param activations the activation records; a user's go when the user does
   * @param keyStore users' API keys (hashed); a user's go when the user does
   * @param keys the node's watch-fed cache of the API keys, keyed by key id; the API also applies
   *     its own writes to it
   */
  public record Dependencies(
      UserStore userStore,
      FunctionStore functionStore,
      ImageResolver imageResolver,
      WatchedCache<ImagePullReport> imagePulls,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      PasswordHasher passwordHasher,
      TokenService tokenService,
      RegistryCredentials registries,
      PrometheusMeterRegistry meterRegistry,
      Supplier<Map<String, Boolean>> readiness,
      Clock clock,
      ActivationStore activations,
      KeyStore keyStore,
      WatchedCache<ApiKey> keys,
      CallbackSecretStore callbackSecrets) {
    /** Refuses a missing dependency at construction rather than at the first request. */
    public Dependencies {
      Objects.requireNonNull(userStore, "userStore");
      Objects.requireNonNull(functionStore, "functionStore");
      Objects.requireNonNull(imageResolver, "imageResolver");
      Objects.requireNonNull(imagePulls, "imagePulls");
      Objects.requireNonNull(users, "users");
      Objects.requireNonNull(functions, "functions");
      Objects.requireNonNull(passwordHasher, "passwordHasher");
      Objects.requireNonNull(tokenService, "tokenService");
      Objects.requireNonNull(registries, "registries");
      Objects.requireNonNull(meterRegistry, "meterRegistry");
      Objects.requireNonNull(readiness, "readiness");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(activations, "activations");
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(callbackSecrets, "callbackSecrets");
    }
  }

  private final HttpSettings settings;
  private final RouteTable table;
  private final Authenticator authenticator;
  private final RequestMetrics metrics;

  /**
   * Builds the route table. Nothing is bound and no store is called here.
   *
   * @param settings the body limit and update retries
   * @param deps the stores, caches, security services and observability the routes use
   * @param contributions more endpoints from other modules, served with the same authentication,
   *     body limit, error handling and metrics; a method and template already served is refused
   * @throws IllegalArgumentException when two endpoints share a method and template
   */
  public HttpApi(HttpSettings settings, Dependencies deps, List<Endpoint> contributions) {
    this(settings, deps, contributions, owner -> CompletableFuture.completedFuture(0));
  }

  /**
   * As {@link #HttpApi(HttpSettings, Dependencies, List)}, with where {@code /v1/users/me} reads
   * how many activations a user holds now.
   */
  public HttpApi(
      HttpSettings settings,
      Dependencies deps,
      List<Endpoint> contributions,
      ConcurrencyUsage usage) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Lookups lookups = Lookups.of(deps);
    UserOperations userOps =
        new UserOperations(
            deps.userStore(),
            deps.functionStore(),
            deps.activations(),
            deps.users(),
            deps.functions(),
            deps.registries(),
            lookups,
            deps.passwordHasher(),
            deps.tokenService(),
            deps.clock(),
            deps.keyStore(),
            deps.callbackSecrets(),
            new UserLimits(settings, Objects.requireNonNull(usage, "usage"), lookups));
    FunctionOperations functionOps =
        new FunctionOperations(
            deps.functionStore(),
            deps.imageResolver(),
            deps.imagePulls(),
            deps.functions(),
            lookups,
            deps.tokenService().etags(),
            deps.clock(),
            settings.updateAttempts(),
            settings.maxConcurrentPerUser(),
            settings.maxFunctionsPerUser());
    List<Endpoint> endpoints = new ArrayList<>();
    endpoints.addAll(new UserRoutes(userOps).endpoints());
    endpoints.addAll(new FunctionRoutes(functionOps).endpoints());
    endpoints.addAll(new RegistryRoutes(new RegistryOperations(deps.registries(), lookups)).endpoints());
    endpoints.addAll(
        new KeyRoutes(new KeyOperations(deps.keyStore(), deps.keys(), deps.clock()), deps.clock())
            .endpoints());
    endpoints.addAll(
        new OperationsRoutes(
                () -> withCacheChecks(deps.readiness().get(), deps.users(), deps.functions()),
                deps.meterRegistry())
            .endpoints());
    endpoints.addAll(new ConsoleRoutes().endpoints());
    endpoints.addAll(contributions);
    this.table = new RouteTable(endpoints);
    this.authenticator =
        new Authenticator(
            deps.tokenService(),
            lookups,
            new KeyUsage(deps.keyStore(), deps.keys(), deps.clock()),
            deps.clock());
    this.metrics = new RequestMetrics(deps.meterRegistry(), table::templateOf);
  }

  /** An API with no contributed endpoints. */
  public HttpApi(HttpSettings settings, Dependencies deps) {
    this(settings, deps, List.of());
  }

  // The API answers from these caches: until their first snapshot it would answer wrongly.
  private static Map<String, Boolean> withCacheChecks(
      Map<String, Boolean> node, WatchedCache<User> users, WatchedCache<FunctionSpec> functions) {
    Map<String, Boolean> checks = new LinkedHashMap<>(node);
    checks.put("usersCache", users.isCaughtUp());
    checks.put("functionsCache", functions.isCaughtUp());
    return checks;
  }

  /**
   * The operations endpoints alone ({@code /healthz}, {@code /readyz}, {@code /metrics}, {@code
   * /v1/openapi.yaml}), sealed and timed like {@link #serverRoute()}: what a worker-only node
   * serves, and what an API node serves until it can build the API (it has no signing key
   * before NATS answers). Every other path answers {@code unserved} as problem+json.
   *
   * @param readiness the node's component checks
   * @param registry what {@code /metrics} scrapes and where request timers go
   * @param unserved the problem for any other path, for example 503 while starting or 404
   */
  public static Route operationsRoute(
      Supplier<Map<String, Boolean>> readiness,
      PrometheusMeterRegistry registry,
      Problem unserved) {
    RouteTable table = new RouteTable(new OperationsRoutes(readiness, registry).endpoints());
    Route served = table.route(null); // only open endpoints: nothing to authenticate
    return new RequestMetrics(registry, table::templateOf)
        .instrument(RequestIds.around(ErrorHandlers.seal(served.orElse(unserved.toRoute()))));
  }

  /**
   * The invocation and activation-record endpoints (API.md, "Invocation"), to pass to the
   * constructor as contributions on a node that runs the activation engine.
   *
   * @param deps the same dependencies the API is built with (functions are looked up through them)
   * @param invoker starts activations
   * @param activations where workers keep finished activations
   */
  public static List<Endpoint> invocationEndpoints(
      Dependencies deps, Invoker invoker, AsyncInvoker async, ActivationStore activations) {
    return new InvocationRoutes(
            Lookups.of(deps),
            Objects.requireNonNull(invoker, "invoker"),
            async,
            Objects.requireNonNull(activations, "activations"))
        .endpoints();
  }

  /** The invocation endpoints without asynchronous calls: every call is synchronous. */
  public static List<Endpoint> invocationEndpoints(
      Dependencies deps, Invoker invoker, ActivationStore activations) {
    return new InvocationRoutes(
            Lookups.of(deps),
            Objects.requireNonNull(invoker, "invoker"),
            Objects.requireNonNull(activations, "activations"))
        .endpoints();
  }

  /**
   * {@code GET /v1/activations/{id}/logs} (docs/decisions/0023), to pass to the constructor as
   * contributions on a node that runs the activation engine.
   *
   * @param deps the same dependencies the API is built with (records and metrics through them)
   * @param feed the workers' live-log messages
   */
  public static List<Endpoint> liveLogEndpoints(Dependencies deps, LiveLogFeed feed) {
    return new LiveLogRoutes(
            deps.activations(),
            Objects.requireNonNull(feed, "feed"),
            LiveLogRoutes.Limits.defaults(),
            deps.meterRegistry())
        .endpoints();
  }

  /** Every endpoint served, the API's own first, in registration order. */
  public List<Endpoint> endpoints() {
    return table.endpoints();
  }

  /**
   * The bare route: the endpoints under the body limit, not sealed, so an unknown path rejects and
   * can be combined with other routes; errors are only problem+json inside {@link #serverRoute()}.
   */
  public Route route() {
    return withSizeLimit(settings.maxBodyBytes(), () -> table.route(authenticator));
  }

  /**
   * The route to bind: {@link #route()} sealed with the problem+json rejection and exception
   * handlers ({@link ErrorHandlers}), timed per route template ({@link RequestMetrics}), every
   * response carrying the request's {@code X-Request-Id} ({@link RequestIds}).
   */
  public Route serverRoute() {
    return serverRoute(Tracing.OFF);
  }

  /**
   * {@link #serverRoute()} with a server span per request in {@code tracing} ({@link
   * HttpTraces}), a child of the caller's {@code traceparent}, the parent of the activations it
   * starts.
   */
  public Route serverRoute(Tracing tracing) {
    Route traced = HttpTraces.around(tracing, table::templateOf, ErrorHandlers.seal(route()));
    return metrics.instrument(RequestIds.around(traced));
  }
}
