package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.RequestIdMdc;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.routing.Routing;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activations a worker runs, one {@link RunnerActor} each: which items it takes and which it
 * drops unrun, and what is done when a runner goes (its slot freed; after a crash, the item
 * settled with a platform error and its container removed by label). The worker's slots are
 * counted here.
 */
final class WorkerRuns {
  private static final Logger ASYNC_LOG = LoggerFactory.getLogger(WorkerActor.class);

  /** A runner ended with {@link RunnerActor.Finished}. */
  record RunnerFinished(String activationId) implements WorkerActor.Command {}

  /** A runner stopped: after its Finished, or without it (a crash). */
  record RunnerStopped(String activationId) implements WorkerActor.Command {}

  private record Running(ActorRef<RunnerActor.Command> runner, SettleOnce item, int memoryMb) {}

  private final ActorContext<WorkerActor.Command> context;
  private final WorkerSettings settings;
  private final ContainerRuntime runtime;
  private final RunnerPorts ports;
  private final Clock clock;
  private final BooleanSupplier routes;
  private final ActorRef<RunnerActor.Finished> finished;
  private final Map<String, Running> running = new HashMap<>();
  private long spawned;

  WorkerRuns(
      ActorContext<WorkerActor.Command> context,
      WorkerSettings settings,
      ContainerRuntime runtime,
      RunnerPorts ports,
      Clock clock,
      BooleanSupplier routes) {
    this.context = context;
    this.settings = settings;
    this.runtime = runtime;
    this.ports = ports;
    this.clock = clock;
    this.routes = routes;
    this.finished =
        context.messageAdapter(RunnerActor.Finished.class, f -> new RunnerFinished(f.activationId()));
  }

  int free() {
    return settings.slots() - running.size();
  }

  int count() {
    return running.size();
  }

  /** The memory (MiB) of the activations running: what their containers were promised. */
  long memoryMb() {
    long sum = 0;
    for (Running r : running.values()) {
      sum += r.memoryMb();
    }
    return sum;
  }

  Set<String> ids() {
    return Set.copyOf(running.keySet());
  }

  /** Tells every runner to stop (the drain's time is over); answers how many were told. */
  int stopAll() {
    running.values().forEach(r -> r.runner().tell(RunnerActor.Stop.INSTANCE));
    return running.size();
  }

  /**
   * Runs {@code item} in a new runner, or drops it unrun: delivered a second time (its first
   * worker died), pulled after its {@code acceptBy}, or without a place.
   */
  void take(WorkItem item) {
    // What is logged about it here carries its request id, as its runner's lines do.
    RequestIdMdc.run(item.request().requestId(), () -> takeOne(item));
  }

  private void takeOne(WorkItem item) {
    ActivationRequest request = item.request();
    String id = request.activationId();
    if (running.containsKey(id)) {
      // Its ack wait ran out before its runner's first progress report, or NATS handed out again
      // what was pending when it restarted: its runner settles the one message; dropping this
      // copy would tell the caller it was lost.
      context.getLog().warn("Activation [{}] delivered again while it runs here, ignored", id);
    } else if (item.deliveryCount() > 1) {
      context.getLog().warn("Activation [{}] redelivered ([{}]): its worker was lost, dropping it",
          id, item.deliveryCount());
      drop(item, "the worker that took it was lost; it is never run twice");
    } else if (clock.instant().isAfter(request.acceptBy())) {
      context.getLog().info("Activation [{}] pulled after its accept deadline, dropping it", id);
      drop(item, "no worker took it in time");
    } else if (!Routing.hasPlace(free(), routes.getAsBoolean())) {
      context.getLog().error("Activation [{}] pulled without a free slot, dropping it", id);
      drop(item, "the worker had no free slot");
    } else {
      SettleOnce guarded = new SettleOnce(item);
      guarded.reply(new WorkerEvent.Accepted(id, settings.workerId()));
      ActorRef<RunnerActor.Command> runner =
          context.spawn(
              RunnerActor.create(guarded, clock.instant(), ports, finished),
              "runner-" + id + "-" + (++spawned));
      context.watchWith(runner, new RunnerStopped(id));
      running.put(id, new Running(runner, guarded, request.function().memoryMb()));
    }
  }

  private void drop(WorkItem item, String reason) {
    String id = item.request().activationId();
    Stages.logged(
        Stages.attempt(item::drop), ASYNC_LOG, "Activation [{}] could not be dropped: [{}]", id);
    item.reply(new WorkerEvent.Dropped(id, reason, settings.workerId()));
  }

  /**
   * The runner of {@code id} went: {@code stopped} when it stopped (possibly without finishing),
   * otherwise it reported Finished. Answers false when it was gone already.
   */
  boolean gone(String id, boolean stopped) {
    Running gone = running.remove(id);
    if (gone == null) {
      return false;
    }
    if (!stopped) {
      context.unwatch(gone.runner());
      return true;
    }
    if (!gone.item().isSettled() || !gone.item().isAnswered()) {
      context.getLog().error("Runner of activation [{}] stopped before finishing it", id);
      ActivationRecord record =
          ActivationRecords.platformError(gone.item().request(), settings.workerId(),
              clock.instant());
      Stages.attempt(() -> ports.store().put(record));
      Stages.attempt(gone.item()::ack);
      gone.item().reply(new WorkerEvent.Completed(id, record));
    }
    removeContainerOf(id);
    return true;
  }

  private void removeContainerOf(String id) {
    Map<String, String> labels =
        Map.of(
            ContainerSpec.PLATFORM_LABEL, settings.platformName(),
            ContainerSpec.ACTIVATION_LABEL, id);
    Stages.logged(Stages.attempt(() -> runtime.removeLabelled(labels)), ASYNC_LOG,
        "Container of activation [{}] not removed: [{}]", id);
  }

}
