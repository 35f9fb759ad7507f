package dev.faas.actors.engine;

import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps one API node from taking more activations than its memory allows. The cluster-wide limit
 * is the queue's bound; this one is local and answers at once, so a node under a flood refuses
 * before it allocates anything for a request.
 *
 * <p>Contract with its users (one {@link ActivationActor} per call):
 *
 * <ol>
 *   <li>{@link Acquire} is answered at once with {@link Granted} or {@link Refused}; nothing is
 *       ever queued. A holder that asks twice still holds one permit.
 *   <li>{@link Release} frees the holder's permit; releasing twice is harmless.
 *   <li>A holder that stops without releasing (it crashed) loses its permit: the limiter watches
 *       every holder.
 * </ol>
 */
public final class NodeLimiter {

  public sealed interface Command {}

  /** Asks for a permit for {@code holder}; the answer goes to {@code replyTo}. */
  public record Acquire(ActorRef<?> holder, ActorRef<Reply> replyTo) implements Command {}

  /** Gives back {@code holder}'s permit. */
  public record Release(ActorRef<?> holder) implements Command {}

  private record HolderStopped(ActorRef<?> holder) implements Command {}

  public sealed interface Reply {}

  public enum Granted implements Reply {
    INSTANCE
  }

  public enum Refused implements Reply {
    INSTANCE
  }

  /** A limiter of {@code maxInFlight} permits, telling {@code inUse} each change of their count. */
  public static Behavior<Command> create(int maxInFlight, IntConsumer inUse) {
    return Behaviors.setup(
        ctx -> new NodeLimiter(ctx, new NodePermits(maxInFlight), inUse).running());
  }

  private final ActorContext<Command> context;
  private final NodePermits permits;
  private final IntConsumer inUse;

  private NodeLimiter(ActorContext<Command> context, NodePermits permits, IntConsumer inUse) {
    this.context = context;
    context.setLoggerName(NodeLimiter.class);
    this.permits = permits;
    this.inUse = inUse;
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, r -> onRelease(r.holder(), false))
        .onMessage(HolderStopped.class, s -> onRelease(s.holder(), true))
        .build();
  }

  private Behavior<Command> onAcquire(Acquire acquire) {
    boolean already = permits.holds(acquire.holder());
    if (permits.tryAcquire(acquire.holder())) {
      if (!already) {
        context.watchWith(acquire.holder(), new HolderStopped(acquire.holder()));
        inUse.accept(permits.inUse());
      }
      acquire.replyTo().tell(Granted.INSTANCE);
    } else {
      context.getLog().debug("Node permit refused to [{}]: [{}] in use", acquire.holder(), permits.inUse());
      acquire.replyTo().tell(Refused.INSTANCE);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRelease(ActorRef<?> holder, boolean stopped) {
    if (permits.release(holder)) {
      inUse.accept(permits.inUse());
      if (stopped) {
        context.getLog().warn("Holder [{}] stopped without releasing its node permit", holder);
      } else {
        context.unwatch(holder);
      }
    }
    return Behaviors.same();
  }

}
