package dev.faas.actors.activation;

import java.util.concurrent.CompletionStage;

/**
 * One request as a worker pulled it. Until {@link #ack} or {@link #drop}, it keeps its place in
 * the bounded queue (the cluster-wide permit); {@link #inProgress} keeps it from being handed to
 * another worker while it runs.
 */
public interface WorkItem {

  ActivationRequest request();

  /** 1 the first time the item is delivered; more after a worker died holding it. */
  int deliveryCount();

  /** Tells the queue the item is still being worked on. */
  CompletionStage<Void> inProgress();

  /** The activation is over: frees its place. */
  CompletionStage<Void> ack();

  /** The item will never be run (by anyone): frees its place without redelivery. */
  CompletionStage<Void> drop();

  /** Sends an event to the API node waiting for this activation; best effort. */
  void reply(WorkerEvent event);

  /**
   * Where this activation's stderr goes while it runs, for followers (docs/decisions/0023); the
   * same object on every call. None by default.
   */
  default LiveLog liveLog() {
    return LiveLog.NONE;
  }
}
