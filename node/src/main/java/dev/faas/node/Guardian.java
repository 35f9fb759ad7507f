package dev.faas.node;

import dev.faas.http.TokenService;
import java.time.Duration;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;

/**
 * The node's root actor: owns the lifecycle of the {@link Node} it assembles.
 *
 * <ol>
 *   <li>On start it assembles the node (NATS connects in the background; a worker opens the
 *       Docker engine and starts its worker) and binds HTTP(S) at once, with a route that answers
 *       the operations endpoints and says 503 elsewhere.
 *   <li>An API node fetches the cluster's token signing key (retrying while NATS is away), then
 *       serves the full API and counts as ready.
 *   <li>A port that cannot be bound stops the node; so does a NATS server whose certificate the
 *       node does not trust (exit status 3).
 * </ol>
 */
public final class Guardian {
  public sealed interface Command {}

  private record KeyArrived(TokenService tokens, Throwable failure) implements Command {}

  private record BindingDone(ServerBinding binding, Throwable failure) implements Command {}

  private record NatsGaveUp(String reason) implements Command {}

  /** Why the node stopped itself at start: exits with 3 (application.conf, reason-overrides). */
  enum CannotStart implements CoordinatedShutdown.Reason {
    INSTANCE
  }

  private enum FetchKey implements Command {
    INSTANCE
  }

  private static final Duration KEY_RETRY = Duration.ofSeconds(1);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeConfig config;
  private final Logger log;
  private final Node node;
  private volatile boolean apiServed;

  /** The root behaviour of a node configured by {@code config}, its parts set by {@code settings}. */
  static Behavior<Command> create(NodeConfig config, PartSettings settings) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Guardian(context, timers, config, settings).start()));
  }

  private Guardian(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      NodeConfig config,
      PartSettings settings) {
    this.context = context;
    this.timers = timers;
    this.config = config;
    this.log = context.getLog();
    this.node = Node.assemble(context, config, settings, () -> apiServed);
  }

  private Behavior<Command> start() {
    if (config.hasRole(Role.API)) {
      context.getSelf().tell(FetchKey.INSTANCE);
    }
    context.pipeToSelf(node.bind(), BindingDone::new);
    context.pipeToSelf(node.natsFatal(), (reason, failure) -> new NatsGaveUp(reason));
    return running();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(FetchKey.class, m -> onFetchKey())
        .onMessage(KeyArrived.class, this::onKey)
        .onMessage(BindingDone.class, this::onBinding)
        .onMessage(NatsGaveUp.class, this::onNatsGaveUp)
        .build();
  }

  private Behavior<Command> onNatsGaveUp(NatsGaveUp gaveUp) {
    log.error("Cannot start: {}", gaveUp.reason());
    CoordinatedShutdown.get(context.getSystem()).run(CannotStart.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> onFetchKey() {
    context.pipeToSelf(node.tokenService(), KeyArrived::new);
    return Behaviors.same();
  }

  private Behavior<Command> onKey(KeyArrived arrived) {
    if (arrived.failure() != null) {
      log.info("Waiting for NATS to read the token signing key: [{}]", arrived.failure().getMessage());
      timers.startSingleTimer(FetchKey.INSTANCE, KEY_RETRY);
      return Behaviors.same();
    }
    node.serveApi(arrived.tokens());
    apiServed = true;
    log.info("API ready: users, tokens and functions are served");
    return Behaviors.same();
  }

  private Behavior<Command> onBinding(BindingDone done) {
    if (done.failure() != null) {
      log.error("Cannot listen on port [{}]: [{}]", config.port(), done.failure().getMessage());
      context.getSystem().terminate();
      return Behaviors.stopped();
    }
    log.info(
        "Listening on [{}://{}]",
        config.tls() ? "https" : "http",
        done.binding().localAddress().getHostString() + ":" + done.binding().localAddress().getPort());
    return Behaviors.same();
  }
}
