package dev.faas.actors.worker;

import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.routing.Routing;
import dev.faas.actors.worker.PullLoop.Lane;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A worker's two {@link PullLoop pull loops}, shared and routed, and the rule between them: the
 * shared loop pulls up to the free slots; the routed one (when the transport {@link
 * WorkSource#routes() routes}) one item, while {@link Routing#mayPullRouted} allows it. A failed
 * pull is logged once per outage; the next that works says it is over.
 */
final class Pulls {
  private final ActorContext<WorkerActor.Command> context;
  private final WorkerSettings settings;
  private final WorkSource source;
  private final PullLoop shared;
  private final PullLoop routed;
  /** A pull failed and none has worked since: the failure was logged. */
  private boolean failing;

  Pulls(
      ActorContext<WorkerActor.Command> context,
      TimerScheduler<WorkerActor.Command> timers,
      WorkSource source,
      WorkerSettings settings) {
    this.context = context;
    this.settings = settings;
    this.source = source;
    this.shared = new PullLoop(Lane.SHARED, context, timers, source, settings);
    this.routed = new PullLoop(Lane.ROUTED, context, timers, source, settings);
  }

  /**
   * Opens every loop that may pull with {@code free} slots, the shared one for at most {@code
   * sharedMax} items (what the memory budget allows, docs/decisions/0017).
   */
  void openAll(int free, int sharedMax) {
    open(Lane.SHARED, free, sharedMax);
    open(Lane.ROUTED, free, sharedMax);
  }

  /**
   * Opens the loop of {@code lane} if it may pull with {@code free} slots (the shared one for at
   * most {@code sharedMax} items). The routed loop is not bounded by memory: what is routed here
   * has a pre-started container, whose memory is promised already.
   */
  void open(Lane lane, int free, int sharedMax) {
    if (lane == Lane.SHARED) {
      shared.open(Math.min(free, sharedMax));
    } else if (source.routes() && Routing.mayPullRouted(shared.inFlight(), shared.max(), free)) {
      routed.open(1);
    }
  }

  /** A pull answered (its items are the worker's to take). */
  void answered(PullLoop.Pulled pulled) {
    loop(pulled.lane()).ended();
    if (failing) {
      failing = false;
      context.getLog().info("Worker [{}] pulls work again", settings.workerId());
    }
  }

  /**
   * A pull failed: retried {@code pullRetry} later, logged once per outage (a NATS outage would
   * otherwise log one a second).
   */
  void failed(PullLoop.PullFailed failed) {
    loop(failed.lane()).failed();
    String which = failed.lane() == Lane.SHARED ? "pull" : "pull of routed work";
    if (!failing) {
      failing = true;
      context.getLog().warn("Worker [{}] {} failed: [{}]; retrying every [{}]",
          settings.workerId(), which, failed.failure().toString(), settings.pullRetry());
    } else {
      context.getLog().debug("Worker [{}] {} failed again: [{}]", settings.workerId(), which,
          failed.failure().toString());
    }
  }

  /** No more retries (the worker is draining). */
  void cancelRetries() {
    shared.cancelRetry();
    routed.cancelRetry();
  }

  /** The shared pull is in flight (the worker's status says it is pulling). */
  boolean pulling() {
    return shared.inFlight();
  }

  private PullLoop loop(Lane lane) {
    return lane == Lane.SHARED ? shared : routed;
  }
}
