package dev.faas.node;

import dev.faas.docker.DockerContainerRuntime;
import dev.faas.nats.NatsBridge;
import dev.faas.actors.worker.WorkerActor;
import dev.faas.actors.worker.pool.WarmPool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part in CoordinatedShutdown, which SIGTERM and Ctrl-C trigger through the JVM's
 * shutdown hook: HTTP is unbound and drained by pekko-http's own phases (see Guardian), then NATS
 * and Docker are closed once no actor needs them.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FINISHING_WAIT = Duration.ofSeconds(2);
  private static final long STATUS_POLL_MILLIS = 50;
  private final ActorSystem<?> system;
  private final NatsBridge nats;
  private final DockerContainerRuntime docker;

  Shutdown(ActorSystem<?> system, NatsBridge nats, DockerContainerRuntime docker) {
    this.system = system;
    this.nats = nats;
    this.docker = docker;
  }

  /**
   * Removes the worker's idle pre-started containers when the node stops, before the Docker
   * connection closes, then waits up to {@link #FINISHING_WAIT} for its runners to end: an
   * activation already answered removes its container a moment later. Longer-running
   * activations are not waited for (their containers are removed by label when the worker
   * starts again, or by the sweep).
   */
  static void drainPoolOnStop(ActorSystem<?> system, ActorRef<WorkerActor.Command> worker) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "drain-warm-pool",
            () ->
                AskPattern.<WorkerActor.Command, WarmPool.Drained>ask(
                        worker,
                        replyTo -> new WorkerActor.ToPool(new WarmPool.Drain(replyTo)),
                        DRAIN_TIMEOUT,
                        system.scheduler())
                    .handle(
                        (drained, failure) -> {
                          if (failure != null) {
                            log.warn("Draining the warm pool failed: [{}]", failure.getMessage());
                          } else {
                            log.info("Warm pool drained: [{}] idle containers removed",
                                drained.removed());
                          }
                          return Done.getInstance();
                        })
                    .thenCompose(
                        done ->
                            runnersGone(
                                system, worker, System.nanoTime() + FINISHING_WAIT.toNanos())));
  }

  /** Completes when the worker runs nothing, or at {@code deadlineNanos}. */
  private static CompletionStage<Done> runnersGone(
      ActorSystem<?> system, ActorRef<WorkerActor.Command> worker, long deadlineNanos) {
    return AskPattern.<WorkerActor.Command, WorkerActor.Status>ask(
            worker, WorkerActor.GetStatus::new, Duration.ofSeconds(1), system.scheduler())
        .handle((status, failure) -> status)
        .thenCompose(
            status -> {
              if (status == null || status.running().isEmpty()) {
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              if (System.nanoTime() > deadlineNanos) {
                log.warn("Stopping with [{}] activations still running", status.running().size());
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(
                          STATUS_POLL_MILLIS, TimeUnit.MILLISECONDS))
                  .thenCompose(v -> runnersGone(system, worker, deadlineNanos));
            });
  }

  void register() {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-nats-and-docker",
        () -> {
          log.info("Closing NATS and Docker connections");
          try {
            nats.close();
          } catch (RuntimeException e) {
            log.warn("Closing NATS failed: [{}]", e.getMessage());
          }
          if (docker != null) {
            try {
              docker.close();
            } catch (Exception e) {
              log.warn("Closing Docker failed: [{}]", e.getMessage());
            }
          }
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }
}
