package dev.faas.node;

import dev.faas.actors.worker.WorkerActor;
import dev.faas.docker.DockerContainerRuntime;
import dev.faas.docker.ImageJanitor;
import dev.faas.nats.NatsBridge;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part in CoordinatedShutdown, which SIGTERM and Ctrl-C trigger through the JVM's
 * shutdown hook; {@link Node} registers each task as it creates the part it stops. In {@code
 * service-unbind}, HTTP stops accepting connections and the worker drains: it takes no more work,
 * its running activations have until the drain timeout to finish, what still runs then is stopped
 * and answered, and its warm pool is emptied. In-flight HTTP requests finish in {@code
 * service-requests-done}, within the same timeout (Main gives both phases its length). NATS and
 * Docker close last, once no actor needs them.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {}

  /**
   * Unbinds {@code binding} in {@code service-unbind}, then gives in-flight requests {@code
   * drainTimeout} to finish (pekko-http's own tasks).
   */
  static void unbindHttp(ActorSystem<?> system, ServerBinding binding, Duration drainTimeout) {
    binding.addToCoordinatedShutdown(drainTimeout, system);
  }

  /** Drains {@code worker} when the node stops, giving its activations {@code drainTimeout}. */
  static void drainWorker(
      ActorSystem<?> system, ActorRef<WorkerActor.Command> worker, Duration drainTimeout) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "drain-worker",
            () ->
                AskPattern.<WorkerActor.Command, WorkerActor.Drained>ask(
                        worker,
                        replyTo -> new WorkerActor.Drain(drainTimeout, replyTo),
                        drainTimeout.plus(Main.DRAIN_SLACK),
                        system.scheduler())
                    .handle(
                        (drained, failure) -> {
                          if (failure != null) {
                            log.warn("Draining the worker failed: [{}]", failure.getMessage());
                          } else {
                            log.info(
                                "Worker drained: [{}] activations finished, [{}] stopped at the"
                                    + " drain timeout, [{}] idle containers removed",
                                drained.finished(),
                                drained.stopped(),
                                drained.poolRemoved());
                          }
                          return Done.getInstance();
                        }));
  }

  /** Stops {@code janitor}'s rounds as the node starts to stop: no image is removed meanwhile. */
  static void stopImageJanitor(ActorSystem<?> system, ImageJanitor janitor) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "stop-image-janitor",
            () -> {
              janitor.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  /**
   * Closes NATS and Docker (null on an API node) last, on {@code blocking}: closing Docker removes
   * the worker's lease.
   */
  /** Flushes the node's last spans and stops exporting them, before the system terminates. */
  static void closeTracing(ActorSystem<?> system, NodeTracing traces, Executor blocking) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-tracing",
            () ->
                CompletableFuture.supplyAsync(
                    () -> {
                      traces.close();
                      return Done.getInstance();
                    },
                    blocking));
  }

  /**
   * Stops dispatching asynchronous activations and delivering callbacks after the node has
   * drained, just before the actor system goes: what was not finished is taken over by another
   * API node (the dispatcher's lease lapses; an unacknowledged callback is handed out again).
   */
  static void closeAsync(ActorSystem<?> system, AsyncPart async) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-async",
            () -> {
              async.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  static void closeLast(
      ActorSystem<?> system, NatsBridge nats, DockerContainerRuntime docker, Executor blocking) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-nats-and-docker",
        () ->
            CompletableFuture.supplyAsync(
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
                  return Done.getInstance();
                },
                blocking));
  }
}
