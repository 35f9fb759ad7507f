package dev.faas.actors.engine;

import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.model.Names;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.trace.Tracing;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The API node's entry to the engine: one {@link ActivationActor} per call.
 *
 * <p>Contract with its callers (the HTTP routes):
 *
 * <ol>
 *   <li>Every {@link Invoke} gets exactly one {@link Outcome} on its {@code
 *       replyTo}, even when the activation's actor crashes (then {@link
 *       Outcome.Unavailable}).
 *   <li>The ids it makes are 24 random lower-case alphanumerics ({@link Names#isActivationId}); a
 *       caller that needs the id before the answer makes one with {@link #newActivationId()} and
 *       passes it in.
 * </ol>
 */
public final class ActivationSupervisor {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int ID_LENGTH = 24;

  public sealed interface Command {}

  /**
   * Runs {@code call}; its one {@link Outcome} goes to {@code replyTo}.
   *
   * @param call what to run, and as which activation (an id is made when it names none)
   */
  public record Invoke(ActivationCall call, ActorRef<Outcome> replyTo) implements Command {}

  private record ChildStopped(String activationId, OnceReply reply) implements Command {}

  /**
   * A supervisor with its own {@link NodeLimiter} of {@code settings.nodeMaxInFlight()}.
   *
   * @param records where workers record outcomes: read when a worker's word went missing
   * @param replyToFor the transport's reply address for an activation id (a NATS subject)
   * @param inFlight told the count of activations and of node permits whenever it changes
   */
  public static Behavior<Command> create(
      ActivationQueue queue,
      ActivationStore records,
      EngineSettings settings,
      Function<String, String> replyToFor,
      InFlight inFlight) {
    return create(queue, records, settings, replyToFor, inFlight, Tracing.OFF);
  }

  /** As above, its activations' spans (admission, publish) going to {@code tracing}. */
  public static Behavior<Command> create(
      ActivationQueue queue,
      ActivationStore records,
      EngineSettings settings,
      Function<String, String> replyToFor,
      InFlight inFlight,
      Tracing tracing) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<NodeLimiter.Command> limiter =
              ctx.spawn(
                  Behaviors.supervise(
                          NodeLimiter.create(settings.nodeMaxInFlight(), inFlight::permits))
                      .onFailure(SupervisorStrategy.restart()),
                  "node-limiter");
          EnginePorts ports =
              new EnginePorts(
                  queue, records, limiter, settings, replyToFor, Clock.systemUTC(), tracing);
          return new ActivationSupervisor(ctx, ports, inFlight).running();
        });
  }

  /** A supervisor sharing {@code limiter} (tests, or several supervisors on one node). */
  public static Behavior<Command> create(
      ActivationQueue queue,
      ActivationStore records,
      ActorRef<NodeLimiter.Command> limiter,
      EngineSettings settings,
      Function<String, String> replyToFor,
      Clock clock,
      InFlight inFlight) {
    return Behaviors.setup(
        ctx ->
            new ActivationSupervisor(
                    ctx, new EnginePorts(queue, records, limiter, settings, replyToFor, clock),
                    inFlight)
                .running());
  }

  /** A fresh activation id: 24 lower-case alphanumerics from a {@link SecureRandom}. */
  public static String newActivationId() {
    char[] id = new char[ID_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  private final ActorContext<Command> context;
  private final EnginePorts ports;
  private final InFlight inFlight;
  private final Map<String, ActorRef<ActivationActor.Command>> activations = new HashMap<>();

  private ActivationSupervisor(ActorContext<Command> context, EnginePorts ports, InFlight inFlight) {
    this.context = context;
    context.setLoggerName(ActivationSupervisor.class);
    this.ports = ports;
    this.inFlight = inFlight;
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Invoke.class, this::onInvoke)
        .onMessage(ChildStopped.class, this::onChildStopped)
        .build();
  }

  private Behavior<Command> onInvoke(Invoke invoke) {
    ActivationCall call =
        invoke.call().activationId() == null
            ? invoke.call().withActivationId(newActivationId())
            : invoke.call();
    String id = call.activationId();
    OnceReply reply = new OnceReply(invoke.replyTo());
    if (!Names.isActivationId(id) || activations.containsKey(id)) {
      context.getLog().error("Invoke refused: activation id [{}] is malformed or in use", id);
      reply.send(new Outcome.Unavailable(id, "the activation id is malformed or in use"));
      return Behaviors.same();
    }
    ActorRef<ActivationActor.Command> child =
        context.spawn(ActivationActor.create(call, reply, ports), "activation-" + id);
    context.watchWith(child, new ChildStopped(id, reply));
    activations.put(id, child);
    inFlight.activations(activations.size());
    return Behaviors.same();
  }

  private Behavior<Command> onChildStopped(ChildStopped stopped) {
    activations.remove(stopped.activationId());
    inFlight.activations(activations.size());
    if (stopped
        .reply()
        .send(
            new Outcome.Unavailable(
                stopped.activationId(), "the platform failed while handling the activation"))) {
      context.getLog().error("Activation [{}] stopped without answering", stopped.activationId());
    }
    return Behaviors.same();
  }

}
