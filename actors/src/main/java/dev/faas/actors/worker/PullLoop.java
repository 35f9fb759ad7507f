package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One of a worker's two pull loops: at most one pull in flight on its {@link Lane}, its answer
 * piped back to the worker, and after a failure a retry {@code pullRetry} later. The worker
 * decides when a loop may pull and how many items it may bring; the loop only runs it.
 */
final class PullLoop {

  /** Where a loop pulls from. */
  enum Lane {
    /** The queue every worker pulls, for up to its free slots. */
    SHARED,
    /** The activations routed to this worker alone, one at a time (docs/decisions/0005). */
    ROUTED
  }

  record Pulled(Lane lane, List<WorkItem> items) implements WorkerActor.Command {}

  record PullFailed(Lane lane, Throwable failure) implements WorkerActor.Command {}

  /** The timer after a failed pull; its key too. */
  record Retry(Lane lane) implements WorkerActor.Command {}

  private final Lane lane;
  private final ActorContext<WorkerActor.Command> context;
  private final TimerScheduler<WorkerActor.Command> timers;
  private final WorkSource source;
  private final WorkerSettings settings;
  private boolean inFlight;
  private int max;

  PullLoop(
      Lane lane,
      ActorContext<WorkerActor.Command> context,
      TimerScheduler<WorkerActor.Command> timers,
      WorkSource source,
      WorkerSettings settings) {
    this.lane = lane;
    this.context = context;
    this.timers = timers;
    this.source = source;
    this.settings = settings;
  }

  /** A pull is in flight. */
  boolean inFlight() {
    return inFlight;
  }

  /** How many items the pull in flight may bring (what it asked for). */
  int max() {
    return max;
  }

  /** Opens a pull of at most {@code max} items unless one is in flight. */
  void open(int max) {
    if (inFlight || max <= 0) {
      return;
    }
    inFlight = true;
    this.max = max;
    CompletionStage<List<WorkItem>> pulled =
        Stages.attempt(
            () ->
                lane == Lane.SHARED
                    ? source.pull(max, settings.pullWait())
                    : source.pullRouted(max, settings.pullWait()));
    context.pipeToSelf(
        pulled,
        (items, failure) ->
            failure == null ? new Pulled(lane, items) : new PullFailed(lane, failure));
  }

  /** The pull in flight answered. */
  void ended() {
    inFlight = false;
  }

  /** The pull in flight failed: the worker is told to pull again {@code pullRetry} later. */
  void failed() {
    inFlight = false;
    timers.startSingleTimer(new Retry(lane), new Retry(lane), settings.pullRetry());
  }

  /** No retry any more (the worker is draining). */
  void cancelRetry() {
    timers.cancel(new Retry(lane));
  }
}
