package dev.faas.node;

import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.image.ImagePolicy;
import dev.faas.actors.image.ImagePullReport;
import dev.faas.actors.image.ImageResolver;
import dev.faas.actors.image.LocalImages;
import dev.faas.actors.image.RegistryCredentials;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.WatchedCache;
import dev.faas.actors.tenancy.OrphanJanitor;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.tenancy.OwnerData;
import dev.faas.actors.trace.Tracing;
import dev.faas.actors.worker.WorkerActor;
import dev.faas.docker.DockerContainerRuntime;
import dev.faas.docker.EngineImages;
import dev.faas.docker.ImageJanitor;
import dev.faas.http.ActivationMetrics;
import dev.faas.http.Endpoint;
import dev.faas.http.HttpApi;
import dev.faas.http.Invoker;
import dev.faas.http.MeteredInvoker;
import dev.faas.http.PasswordHasher;
import dev.faas.http.TokenService;
import dev.faas.nats.NatsActivationQueue;
import dev.faas.nats.NatsBridge;
import dev.faas.registry.PlatformImageResolver;
import dev.faas.registry.RegistryClient;
import dev.faas.registry.SealedRegistryCredentials;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node assembled: {@link #assemble} creates, in order, the parts each role needs, with what
 * each registers for metrics ({@code registry}), for /readyz ({@link #readiness}) and for
 * shutdown ({@link Shutdown}). Every node has metrics, NATS, the function cache and an HTTP(S)
 * listener; a worker adds the Docker engine, its image janitor and its {@link WorkerActor}; an
 * API node adds the user cache,
 * the activation supervisor and, once the token key is read, the REST API. {@link Guardian} owns
 * the lifecycle: it assembles the node once, binds it, fetches the key and tells when the API is
 * served.
 */
final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  /** The most owners one janitor pass sweeps; more wait for the next pass. */
  private static final int JANITOR_OWNERS_PER_PASS = 50;

  private final NodeConfig config;
  private final PartSettings settings;
  private final ActorSystem<?> system;
  private final Executor crypto;
  private final PrometheusMeterRegistry registry;
  private final NatsBridge nats;
  private final EngineHealth engine;
  private final SwappableRoute route;
  private final WatchedCache<User> users;
  private final WatchedCache<FunctionSpec> functions;
  private final WatchedCache<ApiKey> keys;
  private final ActorRef<ActivationSupervisor.Command> activations;
  private final BooleanSupplier apiServed;
  private final RegistryCredentials credentials;
  private final ImageResolver images;
  private final WatchedCache<ImagePullReport> imagePulls;
  private final ActivationMetrics activationMetrics;
  private final Tracing tracing;
  private final Executor blocking;
  private final SupervisorInvoker invoker;
  private final AsyncPart async;

  /**
   * Creates every part {@code config}'s roles need, under {@code context}.
   *
   * @param apiServed whether the full API is served yet (read by the {@code api} readiness check)
   */
  static Node assemble(
      ActorContext<?> context, NodeConfig config, PartSettings settings, BooleanSupplier apiServed) {
    ActorSystem<?> system = context.getSystem();
    Executor blocking = dispatcher(system, "faas-blocking-dispatcher");
    boolean worker = config.hasRole(Role.WORKER);
    boolean api = config.hasRole(Role.API);

    // Every node: one metrics registry, NATS (connecting in the background).
    PrometheusMeterRegistry registry = Metrics.prometheusRegistry(config);
    ActivationMetrics activationMetrics = Metrics.activations(registry, config);
    // Traces, exported when FAAS_OTLP_ENDPOINT is set (docs/decisions/0022); flushed at the stop.
    NodeTracing traces = NodeTracing.from(config);
    Shutdown.closeTracing(system, traces, blocking);
    NatsBridge nats =
        NatsBridge.connect(settings.nats(), config.natsAuth(), config.natsTls(), blocking);
    // Every function, from the functions' watch: what an API node answers from, and what a
    // worker's pulls find their credentials through.
    WatchedCache<FunctionSpec> functions = new WatchedCache<>();
    // Users' registry credentials, sealed with the platform's key (read from NATS at first use).
    RegistryCredentials credentials =
        new NodeCredentials(
            new LoadedOnce<>(
                () ->
                    SealedRegistryCredentials.fromConfig(
                        nats.config(), nats.registryCredentials(), Clock.systemUTC())));
    // A worker: the Docker engine, whose health is a gauge and the docker readiness check.
    DockerContainerRuntime docker = null;
    EngineHealth engine = null;
    if (worker) {
      docker =
          new DockerContainerRuntime(
              settings.docker(),
              dispatcher(system, "faas-docker-dispatcher"),
              new FunctionPullLogins(functions, credentials),
              new PullReports(nats.imagePulls(), settings.worker().workerId(), Clock.systemUTC()));
      engine = new EngineHealth();
      EngineGauges.register(registry, docker, engine);
      LiveLogMetrics.registerWorker(registry, nats);
    }
    logSummary(config);
    Shutdown.closeLast(system, nats, docker, blocking);

    // One watch of the functions for everything on this node that follows them.
    List<ChangeListener<FunctionSpec>> functionWatchers = new ArrayList<>();
    // A worker: its actor, which pulls activations only with free slots and drains on shutdown;
    // with a warm pool, told when a function changes.
    if (worker) {
      ActorRef<WorkerActor.Command> workerActor =
          context.spawn(
              workerBehavior(
                  config, settings, nats, docker, registry, engine, activationMetrics,
                  traces.tracing()),
              "worker");
      if (config.warmPool()) {
        functionWatchers.add(new PoolFeed(workerActor));
      }
      functionWatchers.add(new PrePulls(docker));
      functionWatchers.add(new LargestFunctionFeed(workerActor));
      Shutdown.drainWorker(system, workerActor, config.drainTimeout());
    }
    functionWatchers.add(functions);
    if (worker) {
      // The worker's image janitor keeps the images functions run (from the same cache).
      ImageJanitor janitor = docker.startImageJanitor(new RunImages(functions));
      Shutdown.stopImageJanitor(system, janitor);
    }
    // An API node: users cached from their watch, the activation supervisor.
    WatchedCache<User> users = new WatchedCache<>();
    ActorRef<ActivationSupervisor.Command> activations = null;
    // An API node's image statuses come from the workers' pull reports.
    WatchedCache<ImagePullReport> imagePulls = new WatchedCache<>();
    // An API node's API keys, by key id: a key revoked anywhere is refused here once its watch
    // event arrives.
    WatchedCache<ApiKey> keys = new WatchedCache<>();
    if (api) {
      nats.users().watch(users);
      nats.keys().watch(keys);
      nats.imagePulls().watch(imagePulls);
      activations =
          context.spawn(
              supervisorBehavior(
                  config, settings, nats, new ApiGauges(registry), traces.tracing()),
              "activations");
    }
    nats.functions().watch(ChangeListener.all(functionWatchers));
    // An API node: asynchronous activations and their callbacks (docs/decisions/0020, 0026);
    // they start once the API is served.
    SupervisorInvoker invoker = null;
    AsyncPart async = null;
    if (api) {
      invoker = new SupervisorInvoker(activations, system.scheduler(), settings.engine());
      async =
          AsyncPart.assemble(
              system, config, nats, functions, invoker, activationMetrics, registry, blocking);
      Shutdown.closeAsync(system, async);
    }
    if (api && !config.janitorInterval().isZero()) {
      context.spawn(
          janitorBehavior(
              config, nats, credentials, users, functions, keys, async.callbackSecrets(),
              registry),
          "janitor");
    }
    ImageResolver images =
        api ? imageResolver(config, settings, credentials, docker, blocking) : null;
    return new Node(
        config, settings, system, dispatcher(system, "faas-crypto-dispatcher"), registry, nats,
        engine, users, functions, activations, apiServed, credentials, images, imagePulls, keys,
        activationMetrics,
        traces.tracing(),
        blocking, invoker, async);
  }

  /**
   * An API node's resolver of functions' images: the policy, the allow-list and the registries;
   * under local-first, the node's own engine first (the worker's, or one it asks just for this).
   */
  private static ImageResolver imageResolver(
      NodeConfig config,
      PartSettings settings,
      RegistryCredentials credentials,
      DockerContainerRuntime docker,
      Executor blocking) {
    ImageConfig images = config.images();
    Optional<LocalImages> local = Optional.empty();
    if (images.policy() == ImagePolicy.LOCAL_FIRST) {
      local =
          Optional.of(
              docker != null
                  ? docker.localImages()
                  : EngineImages.connect(settings.docker(), blocking));
    }
    return new PlatformImageResolver(
        images.policy(),
        images.allowedRegistries(),
        credentials,
        new RegistryClient(images.certsDir(), images.registryTimeout(), blocking),
        local);
  }

  /**
   * An API node's orphan janitor: removes data whose user is gone with the code that deletes a
   * user's data (docs/decisions/0019), counting each owner swept.
   */
  private static Behavior<OrphanJanitor.Command> janitorBehavior(
      NodeConfig config,
      NatsBridge nats,
      RegistryCredentials credentials,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      WatchedCache<ApiKey> keys,
      CallbackSecretStore callbackSecrets,
      PrometheusMeterRegistry registry) {
    Counter passes =
        Counter.builder("faas.janitor.passes")
            .description("passes of the orphan janitor that looked for data without a user")
            .register(registry);
    Counter swept =
        Counter.builder("faas.janitor.swept.owners")
            .description("user ids whose data the orphan janitor removed (no user had that id)")
            .register(registry);
    OwnerData data =
        new OwnerData(
            nats.functions(), nats.activations(), credentials, nats.keys(), functions,
            callbackSecrets);
    return Behaviors.supervise(
            OrphanJanitor.create(
                new OrphanJanitor.Settings(config.janitorInterval(), JANITOR_OWNERS_PER_PASS),
                nats.dataOwners(),
                users,
                functions,
                keys,
                data,
                new OrphanJanitor.Listener() {
                  @Override
                  public void passed() {
                    passes.increment();
                  }

                  @Override
                  public void swept(String owner, java.util.Set<String> kinds) {
                    swept.increment();
                  }
                }))
        .onFailure(SupervisorStrategy.restart());
  }

  private static Behavior<ActivationSupervisor.Command> supervisorBehavior(
      NodeConfig config,
      PartSettings settings,
      NatsBridge nats,
      ApiGauges gauges,
      Tracing tracing) {
    NatsActivationQueue queue = nats.activationQueue(config.nodeId());
    return Behaviors.supervise(
            ActivationSupervisor.create(
                queue, nats.activations(), settings.engine(), queue::replyToFor, gauges,
                tracing))
        .onFailure(SupervisorStrategy.resume());
  }

  /**
   * FAAS_WORKER_MEMORY_MB, or the engine's memory less the reserve; no budget when the engine
   * cannot say (docs/decisions/0017). Asks the engine once, at the start, before the node serves.
   */
  private static long memoryBudgetMb(SandboxConfig sandbox, DockerContainerRuntime docker) {
    if (sandbox.workerMemoryMb() > 0) {
      return sandbox.workerMemoryMb();
    }
    try {
      long engineMb = docker.engineMemoryBytes() >> 20;
      long budget = Math.max(engineMb - sandbox.workerMemoryReserveMb(), 0);
      log.info("Worker memory budget [{}] MiB: the engine's [{}] MiB less the reserve",
          budget, engineMb);
      return budget > 0 ? budget : 1;
    } catch (RuntimeException e) {
      log.warn("The engine's memory is unknown ([{}]): the worker has no memory budget;"
          + " set FAAS_WORKER_MEMORY_MB", e.toString());
      return 0;
    }
  }

  private static Behavior<WorkerActor.Command> workerBehavior(
      NodeConfig config,
      PartSettings settings,
      NatsBridge nats,
      DockerContainerRuntime docker,
      PrometheusMeterRegistry registry,
      EngineHealth engine,
      ActivationMetrics activationMetrics,
      Tracing tracing) {
    return Behaviors.supervise(
            WorkerActor.create(
                settings.worker().withMemoryBudget(memoryBudgetMb(config.sandbox(), docker)),
                // Routing-capable only with a pool: nothing to route to otherwise.
                new MeteredWorkSource(
                    config.warmPool()
                        ? nats.workSource(settings.worker().workerId())
                        : nats.workSource(),
                    activationMetrics,
                    registry,
                    settings.worker().slots()),
                docker,
                nats.activations(),
                Clock.systemUTC(),
                new PoolGauges(registry),
                engine,
                tracing))
        .onFailure(SupervisorStrategy.restart());
  }

  private Node(
      NodeConfig config,
      PartSettings settings,
      ActorSystem<?> system,
      Executor crypto,
      PrometheusMeterRegistry registry,
      NatsBridge nats,
      EngineHealth engine,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      ActorRef<ActivationSupervisor.Command> activations,
      BooleanSupplier apiServed,
      RegistryCredentials credentials,
      ImageResolver images,
      WatchedCache<ImagePullReport> imagePulls,
      WatchedCache<ApiKey> keys,
      ActivationMetrics activationMetrics,
      Tracing tracing,
      Executor blocking,
      SupervisorInvoker invoker,
      AsyncPart async) {
    this.config = config;
    this.activationMetrics = activationMetrics;
    this.tracing = tracing;
    this.blocking = blocking;
    this.invoker = invoker;
    this.async = async;
    this.keys = keys;
    this.imagePulls = imagePulls;
    this.credentials = credentials;
    this.images = images;
    this.settings = settings;
    this.system = system;
    this.crypto = crypto;
    this.registry = registry;
    this.nats = nats;
    this.engine = engine;
    this.users = users;
    this.functions = functions;
    this.activations = activations;
    this.apiServed = apiServed;
    this.route = new SwappableRoute(this::readiness);
    // Operations answer from the first second; an API node says 503 elsewhere until its API is in.
    route.swap(
        config.hasRole(Role.API) ? route.starting(registry) : route.operationsOnly(registry));
  }

  /**
   * Binds the node's route on the configured interface and port, with TLS unless turned off, and
   * has CoordinatedShutdown unbind it.
   */
  CompletionStage<ServerBinding> bind() {
    ServerBuilder server = Http.get(system).newServerAt(config.httpInterface(), config.port());
    if (config.tls()) {
      try {
        server = server.enableHttps(TlsContext.https(config));
      } catch (IOException | GeneralSecurityException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return ConnectionGuard.bind(server, route.route(), system, config.connections())
        .thenApply(
            binding -> {
              Shutdown.unbindHttp(system, binding, config.drainTimeout());
              return binding;
            });
  }

  /** Completes, with the reason, when NATS can never be reached as configured (see NatsBridge). */
  CompletionStage<String> natsFatal() {
    return nats.fatal();
  }

  /** Reads the cluster's token signing key from NATS; fails while NATS is away. */
  CompletionStage<TokenService> tokenService() {
    return TokenService.fromConfig(nats.config(), Clock.systemUTC(), config.tokenTtl());
  }

  /** Serves the whole REST API from now on, its tokens signed and checked with {@code tokens}. */
  void serveApi(TokenService tokens) {
    HttpApi.Dependencies deps =
        new HttpApi.Dependencies(
            nats.users(),
            nats.functions(),
            images,
            imagePulls,
            users,
            functions,
            new PasswordHasher(crypto, config.hashThreads() + config.hashQueue()),
            tokens,
            credentials,
            registry,
            this::readiness,
            Clock.systemUTC(),
            nats.activations(),
            nats.keys(),
            keys,
            async.callbackSecrets());
    List<Endpoint> contributions =
        new ArrayList<>(
            HttpApi.invocationEndpoints(
                deps,
                new MeteredInvoker(invoker, activationMetrics),
                async.submissions(),
                nats.activations()));
    contributions.addAll(HttpApi.liveLogEndpoints(deps, nats.liveLogs()));
    HttpApi api = new HttpApi(settings.http(), deps, contributions, nats.concurrencyUsage());
    route.swap(api.serverRoute(tracing));
    async.start();
  }

  /** The checks behind /readyz; each is cheap and reads no remote state. */
  private Map<String, Boolean> readiness() {
    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("nats", nats.isReady());
    if (config.hasRole(Role.API) && !apiServed.getAsBoolean()) {
      checks.put("api", false);
    }
    if (engine != null) {
      checks.put("docker", engine.canStart());
    }
    return checks;
  }

  /** The executor of the dispatcher configured as {@code name}. */
  private static Executor dispatcher(ActorSystem<?> system, String name) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig(name));
  }

  private static void logSummary(NodeConfig config) {
    log.info(
        "Node [{}] starting: roles {}, {} on port [{}], NATS {} {} (kv replicas {}), "
            + "max concurrent activations [{}], worker slots [{}], data dir [{}], platform [{}]",
        config.nodeName(),
        config.roles(),
        config.tls() ? "HTTPS" : "plain HTTP",
        config.port(),
        config.natsUrls(),
        config.natsTls(),
        config.kvReplicas(),
        config.maxConcurrent(),
        config.workerSlots(),
        config.dataDir(),
        config.platform());
  }
}
