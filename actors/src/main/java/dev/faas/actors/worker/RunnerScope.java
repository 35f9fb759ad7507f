package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.runtime.Container;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one runner holds for its whole life, whatever its state: its activation, ports, parent,
 * and the handoff of its container; and the effects every state shares. Nothing in it changes.
 *
 * @param handoff the container on its way from the acquire's future, so none outlives the runner
 * @param trace the activation's spans on this worker
 */
record RunnerScope(
    ActorContext<RunnerActor.Command> context,
    TimerScheduler<RunnerActor.Command> timers,
    WorkItem item,
    RunnerPorts ports,
    ActorRef<RunnerActor.Finished> parent,
    ContainerHandoff handoff,
    RunnerTrace trace) {

  /** For what runs off the actor's thread (callbacks of the ports' futures). */
  static final Logger ASYNC_LOG = LoggerFactory.getLogger(RunnerActor.class);

  ActivationRequest request() {
    return item.request();
  }

  String id() {
    return item.request().activationId();
  }

  RunnerSettings settings() {
    return ports.settings();
  }

  Instant now() {
    return ports.clock().instant();
  }

  Logger log() {
    return context.getLog();
  }

  /** Tells the queue (the item is in progress) and the API node (still running) it is alive. */
  void heartbeat() {
    logged(Stages.attempt(item::inProgress), "marking it in progress");
    item.reply(new WorkerEvent.Heartbeat(id()));
    // Whose it is, for a follower that asks before the function writes anything.
    item.liveLog().alive();
  }

  /** Tells the API node the function starts now: its timeout counts from here. */
  void running() {
    item.reply(new WorkerEvent.Running(id()));
    item.liveLog().alive();
  }

  /**
   * At the runner's stop, a crash included: the container it was offered must not outlive it,
   * unless its removal is already under way.
   */
  void releaseContainer(boolean removalStarted) {
    Container offered = handoff.close();
    if (offered != null && !removalStarted) {
      logged(Stages.attempt(offered::remove), "removing its container");
    }
  }

  /** {@code stage}, its failure logged and then forgotten. */
  CompletionStage<Void> logged(CompletionStage<?> stage, String what) {
    return Stages.logged(stage, ASYNC_LOG, "Activation [{}]: [{}] failed: [{}]", id(), what);
  }
}
