package dev.faas.node;

import dev.faas.docker.DockerContainerRuntime;
import dev.faas.nats.NatsBridge;
import dev.faas.actors.worker.WorkerActor;
import dev.faas.actors.worker.pool.WarmPool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
   * connection closes; running activations are not waited for.
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
                        }));
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
