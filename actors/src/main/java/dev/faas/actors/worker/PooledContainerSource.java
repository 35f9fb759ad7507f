package dev.faas.actors.worker;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.warm.PoolListener;
import dev.faas.actors.worker.pool.PoolKey;
import dev.faas.actors.worker.pool.PoolSetup;
import dev.faas.actors.worker.pool.WarmPool;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A runner's containers from a {@link WarmPool}: a pre-started one when the pool holds one for
 * the activation's key, otherwise one started now with the activation's own spec (labels
 * included). {@code arg} functions never reach the pool. A pool that does not answer within
 * {@code askTimeout} costs a cold start, not the activation.
 */
public final class PooledContainerSource implements ContainerSource {
  private final ActorRef<WarmPool.Command> pool;
  private final ContainerRuntime runtime;
  private final Duration askTimeout;
  private final Scheduler scheduler;

  public PooledContainerSource(
      ActorRef<WarmPool.Command> pool,
      ContainerRuntime runtime,
      Duration askTimeout,
      Scheduler scheduler) {
    this.pool = pool;
    this.runtime = runtime;
    this.askTimeout = askTimeout;
    this.scheduler = scheduler;
  }

  /**
   * Spawns a worker's pool as a child of {@code context} (restarted if it crashes; it removes its
   * idle containers when it stops) and returns the source that asks it.
   */
  public static PooledContainerSource spawn(
      ActorContext<?> context,
      WorkerSettings settings,
      ContainerRuntime runtime,
      Clock clock,
      PoolListener listener) {
    ActorRef<WarmPool.Command> pool =
        context.spawn(
            Behaviors.supervise(WarmPool.create(poolSetup(settings), runtime, clock, listener))
                .onFailure(SupervisorStrategy.restart()),
            "pool");
    return new PooledContainerSource(
        pool, runtime, settings.pool().askTimeout(), context.getSystem().scheduler());
  }

  /** What the pool of a worker of {@code settings} needs to know of it. */
  public static PoolSetup poolSetup(WorkerSettings settings) {
    return new PoolSetup(settings.workerId(), settings.platformName(), settings.slots(),
        settings.sweepAge(),
        settings.runner().killGrace().plus(settings.runner().removeTimeout()), settings.pool());
  }

  /** The pool this source asks: where invalidations, drains and stats requests go. */
  public ActorRef<WarmPool.Command> pool() {
    return pool;
  }

  @Override
  public CompletionStage<Acquired> acquire(ContainerSpec spec, FunctionSpec function) {
    if (!PoolKey.poolable(spec, function)) {
      return cold(spec, () -> {});
    }
    PoolKey key = PoolKey.of(spec);
    return AskPattern.<WarmPool.Command, WarmPool.Grant>ask(
            pool, replyTo -> new WarmPool.Acquire(key, function, replyTo), askTimeout, scheduler)
        .handle((grant, failure) -> grant)
        .thenCompose(
            grant -> {
              if (grant == null) {
                return cold(spec, () -> {});
              }
              Runnable release = () -> pool.tell(new WarmPool.Released(key, grant.lease()));
              if (grant instanceof WarmPool.Warm warm) {
                return CompletableFuture.completedFuture(
                    new Acquired(new TrackedContainer(warm.container(), release), true));
              }
              return cold(spec, release);
            });
  }

  private CompletionStage<Acquired> cold(ContainerSpec spec, Runnable release) {
    CompletionStage<Container> started;
    try {
      started = runtime.start(spec);
    } catch (RuntimeException e) {
      release.run();
      return CompletableFuture.failedFuture(e);
    }
    if (started == null) {
      release.run();
      return CompletableFuture.failedFuture(new NullPointerException("start returned null"));
    }
    return started.thenApply(
        container -> {
          if (container == null) {
            throw new NullPointerException("start completed without a container");
          }
          return new Acquired(new TrackedContainer(container, release), false);
        })
        .whenComplete(
            (acquired, failure) -> {
              if (failure != null) {
                release.run();
              }
            });
  }
}
