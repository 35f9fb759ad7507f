package dev.faas.actors.worker;

import dev.faas.actors.worker.WorkerActor.Drain;
import dev.faas.actors.worker.WorkerActor.Drained;
import dev.faas.actors.worker.pool.WarmPool;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A worker's drain when its node stops: what runs may finish until the drain's timeout, what
 * still runs then is stopped (its caller gets a 503 saying the worker stopped), then the pool is
 * emptied and the drain answered with what happened. The worker takes no work from its start.
 */
final class WorkerDrain {

  /** The drain's timeout: stop what still runs. */
  enum Deadline implements WorkerActor.Command {
    INSTANCE
  }

  record PoolDrained(WarmPool.Drained drained) implements WorkerActor.Command {}

  /** Whom to answer, how many ran when it began, how many were stopped at its timeout. */
  private record Draining(ActorRef<Drained> replyTo, int runningAtStart, int stopped) {
    Draining stopped(int more) {
      return new Draining(replyTo, runningAtStart, stopped + more);
    }
  }

  private final ActorContext<WorkerActor.Command> context;
  private final TimerScheduler<WorkerActor.Command> timers;
  private final WorkerSettings settings;
  private final WorkerRuns runs;
  private final ActorRef<WarmPool.Command> pool;
  /** Set by {@link #begin}: no pull, no announcement from then on. */
  private Draining draining;

  WorkerDrain(
      ActorContext<WorkerActor.Command> context,
      TimerScheduler<WorkerActor.Command> timers,
      WorkerSettings settings,
      WorkerRuns runs,
      ActorRef<WarmPool.Command> pool) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.runs = runs;
    this.pool = pool;
  }

  /** A drain has begun. */
  boolean active() {
    return draining != null;
  }

  /** Begins the drain (a second one is answered at once, with nothing). */
  void begin(Drain drain) {
    if (draining != null) {
      drain.replyTo().tell(new Drained(0, 0, 0));
      return;
    }
    draining = new Draining(drain.replyTo(), runs.count(), 0);
    context.getLog().info("Worker [{}] draining: taking no more work, [{}] activations running,"
        + " [{}] to finish", settings.workerId(), runs.count(), drain.timeout());
    timers.startSingleTimer(Deadline.INSTANCE, drain.timeout());
    whenIdle();
  }

  /** The drain's time is over: stop what still runs. */
  void deadline() {
    if (draining == null || runs.count() == 0) {
      return;
    }
    context.getLog().warn("Worker [{}] drain time over: stopping [{}] activations still running",
        settings.workerId(), runs.count());
    draining = draining.stopped(runs.stopAll());
  }

  /** Once nothing runs any more, empties the pool; {@link PoolDrained} then answers the drain. */
  void whenIdle() {
    if (draining == null || runs.count() > 0) {
      return;
    }
    timers.cancel(Deadline.INSTANCE);
    if (pool == null) {
      poolDrained(new PoolDrained(new WarmPool.Drained(0)));
      return;
    }
    pool.tell(
        new WarmPool.Drain(context.messageAdapter(WarmPool.Drained.class, PoolDrained::new)));
  }

  /** The pool is empty: the drain is answered. */
  void poolDrained(PoolDrained poolDrained) {
    if (draining == null) {
      return;
    }
    int finished = Math.max(0, draining.runningAtStart() - draining.stopped());
    int removed = poolDrained.drained().removed();
    context.getLog().info("Worker [{}] drained: [{}] activations finished, [{}] stopped, [{}]"
        + " idle containers removed", settings.workerId(), finished, draining.stopped(), removed);
    draining.replyTo().tell(new Drained(finished, draining.stopped(), removed));
  }
}
