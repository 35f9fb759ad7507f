package dev.faas.node;

import dev.faas.docker.DockerContainerRuntime;
import dev.faas.nats.NatsBridge;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part in CoordinatedShutdown, which SIGTERM and Ctrl-C trigger through the JVM's
 * shutdown hook: HTTP is unbound and drained by pekko-http's own phases (see Guardian), then NATS
 * and Docker are closed once no actor needs them.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);
  private final ActorSystem<?> system;
  private final NatsBridge nats;
  private final DockerContainerRuntime docker;

  Shutdown(ActorSystem<?> system, NatsBridge nats, DockerContainerRuntime docker) {
    this.system = system;
    this.nats = nats;
    this.docker = docker;
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
