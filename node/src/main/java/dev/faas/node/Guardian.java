package dev.faas.node;

import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.WatchedCache;
import dev.faas.actors.worker.WorkerActor;
import dev.faas.actors.worker.WorkerSettings;
import dev.faas.docker.DockerContainerRuntime;
import dev.faas.http.HttpApi;
import dev.faas.http.HttpSettings;
import dev.faas.http.PasswordHasher;
import dev.faas.http.TokenService;
import dev.faas.nats.NatsActivationQueue;
import dev.faas.nats.NatsBridge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;

/**
 * The node's root actor: wires the parts its roles need and owns their lifecycle.
 *
 * <ol>
 *   <li>On start it connects to NATS (in the background), binds HTTP(S) at once with a route that
 *       answers {@code /healthz} and says 503 elsewhere, and, for a worker, opens the Docker engine.
 *   <li>An API node spawns the activation supervisor and fetches the cluster's token signing key
 *       (retrying while NATS is away), then swaps in the full API.
 *   <li>A worker spawns its {@link WorkerActor}, which pulls activations only with free slots.
 *   <li>CoordinatedShutdown unbinds, lets in-flight requests finish, then closes NATS and Docker.
 * </ol>
 */
public final class Guardian {
  public sealed interface Command {}

  private record KeyArrived(TokenService tokens, Throwable failure) implements Command {}

  private record BindingDone(ServerBinding binding, Throwable failure) implements Command {}

  private enum FetchKey implements Command {
    INSTANCE
  }

  private static final Duration KEY_RETRY = Duration.ofSeconds(1);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeConfig config;
  private final Logger log;
  private final Executor blocking;
  private final Executor crypto;
  private final PrometheusMeterRegistry registry;
  private final NatsBridge nats;
  private final DockerContainerRuntime docker;
  private final EngineHealth engineHealth;
  private final SwappableRoute route;
  private final WatchedCache<User> users = new WatchedCache<>();
  private final WatchedCache<FunctionSpec> functions = new WatchedCache<>();
  private volatile boolean apiReady;
  private ActorRef<ActivationSupervisor.Command> activations;

  public static Behavior<Command> create(NodeConfig config) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new Guardian(context, timers, config).start()));
  }

  private Guardian(ActorContext<Command> context, TimerScheduler<Command> timers, NodeConfig config) {
    this.context = context;
    this.timers = timers;
    this.config = config;
    this.log = context.getLog();
    this.blocking = dispatcher("faas-blocking-dispatcher");
    this.crypto = dispatcher("faas-crypto-dispatcher");
    this.registry = Metrics.prometheusRegistry(config);
    this.nats = NatsBridge.connect(Wiring.natsSettings(config), blocking);
    if (config.hasRole(Role.WORKER)) {
      this.docker = new DockerContainerRuntime(Wiring.dockerSettings(config), dispatcher("faas-docker-dispatcher"));
      this.engineHealth = new EngineHealth();
      EngineGauges.register(registry, docker, engineHealth);
    } else {
      this.docker = null;
      this.engineHealth = null;
    }
    this.route = new SwappableRoute(this::readiness);
  }

  private Executor dispatcher(String name) {
    return context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(name));
  }

  private Behavior<Command> start() {
    logSummary();
    new Shutdown(context.getSystem(), nats, docker).register(blocking);
    // One watch of the functions for everything on this node that follows them.
    List<ChangeListener<FunctionSpec>> functionWatchers = new ArrayList<>();
    if (config.hasRole(Role.WORKER)) {
      WorkerSettings workerSettings = Engine.workerSettings(config);
      ActorRef<WorkerActor.Command> worker =
          context.spawn(
              Behaviors.supervise(
                      WorkerActor.create(
                          workerSettings,
                          // Routing-capable only with a pool: nothing to route to otherwise.
                          config.warmPool()
                              ? nats.workSource(workerSettings.workerId())
                              : nats.workSource(),
                          docker,
                          nats.activations(),
                          Clock.systemUTC(),
                          new PoolGauges(registry),
                          engineHealth))
                  .onFailure(SupervisorStrategy.restart()),
              "worker");
      if (config.warmPool()) {
        functionWatchers.add(new PoolFeed(worker));
      }
      Shutdown.drainWorkerOnStop(context.getSystem(), worker, config.drainTimeout());
    }
    if (config.hasRole(Role.API)) {
      route.swap(route.starting(registry));
      nats.users().watch(users);
      functionWatchers.add(functions);
      NatsActivationQueue queue = nats.activationQueue(Engine.nodeId(config));
      activations =
          context.spawn(
              Behaviors.supervise(
                      ActivationSupervisor.create(
                          queue, nats.activations(), Engine.engineSettings(config),
                          queue::replyToFor))
                  .onFailure(SupervisorStrategy.resume()),
              "activations");
      context.getSelf().tell(FetchKey.INSTANCE);
    } else {
      route.swap(route.operationsOnly(registry));
    }
    if (!functionWatchers.isEmpty()) {
      nats.functions().watch(ChangeListener.all(functionWatchers));
    }
    context.pipeToSelf(
        Wiring.bind(context.getSystem(), config, route.route()),
        (binding, failure) -> new BindingDone(binding, failure));
    return running();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(FetchKey.class, m -> onFetchKey())
        .onMessage(KeyArrived.class, this::onKey)
        .onMessage(BindingDone.class, this::onBinding)
        .build();
  }

  private Behavior<Command> onFetchKey() {
    context.pipeToSelf(
        TokenService.fromConfig(nats.config(), Clock.systemUTC(), config.tokenTtl()),
        KeyArrived::new);
    return Behaviors.same();
  }

  private Behavior<Command> onKey(KeyArrived arrived) {
    if (arrived.failure() != null) {
      log.info("Waiting for NATS to read the token signing key: [{}]", arrived.failure().getMessage());
      timers.startSingleTimer(FetchKey.INSTANCE, KEY_RETRY);
      return Behaviors.same();
    }
    HttpApi.Dependencies deps =
        new HttpApi.Dependencies(
            nats.users(),
            nats.functions(),
            users,
            functions,
            new PasswordHasher(crypto),
            arrived.tokens(),
            registry,
            this::readiness,
            Clock.systemUTC());
    HttpApi api =
        new HttpApi(
            HttpSettings.defaults().withMaxBodyBytes(config.maxBodyBytes()),
            deps,
            HttpApi.invocationEndpoints(
                deps,
                new SupervisorInvoker(activations, context.getSystem().scheduler(), config),
                nats.activations()));
    route.swap(api.serverRoute());
    apiReady = true;
    log.info("API ready: users, tokens and functions are served");
    return Behaviors.same();
  }

  private Behavior<Command> onBinding(BindingDone done) {
    if (done.failure() != null) {
      log.error("Cannot listen on port [{}]: [{}]", config.port(), done.failure().getMessage());
      context.getSystem().terminate();
      return Behaviors.stopped();
    }
    // Unbinds in service-unbind, then gives in-flight requests the drain timeout to finish.
    done.binding().addToCoordinatedShutdown(config.drainTimeout(), context.getSystem());
    log.info(
        "Listening on [{}://{}]",
        config.tls() ? "https" : "http",
        done.binding().localAddress().getHostString() + ":" + done.binding().localAddress().getPort());
    return Behaviors.same();
  }

  /** The checks behind /readyz; each is cheap and reads no remote state. */
  private Map<String, Boolean> readiness() {
    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("nats", nats.isReady());
    if (config.hasRole(Role.API) && !apiReady) {
      checks.put("api", false);
    }
    if (engineHealth != null) {
      checks.put("docker", engineHealth.canStart());
    }
    return checks;
  }

  private void logSummary() {
    log.info(
        "Node [{}] starting: roles {}, {} on port [{}], NATS {} (kv replicas {}), "
            + "max concurrent activations [{}], worker slots [{}], data dir [{}]",
        config.nodeName(),
        config.roles(),
        config.tls() ? "HTTPS" : "plain HTTP",
        config.port(),
        config.natsUrls(),
        config.kvReplicas(),
        config.maxConcurrent(),
        config.workerSlots(),
        config.dataDir());
  }
}
