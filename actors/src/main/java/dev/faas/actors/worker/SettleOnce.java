package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A work item that lets through one settlement (ack or drop) and one final event (Completed or
 * Dropped), shared by a runner and its worker: whichever of the two gets there first settles it,
 * so a runner that crashed half way is finished by its worker and never twice.
 */
final class SettleOnce implements WorkItem {
  private final WorkItem item;
  private final AtomicBoolean settled = new AtomicBoolean();
  private final AtomicBoolean answered = new AtomicBoolean();

  SettleOnce(WorkItem item) {
    this.item = item;
  }

  @Override
  public ActivationRequest request() {
    return item.request();
  }

  @Override
  public int deliveryCount() {
    return item.deliveryCount();
  }

  @Override
  public CompletionStage<Void> inProgress() {
    return settled.get() ? CompletableFuture.completedFuture(null) : item.inProgress();
  }

  @Override
  public CompletionStage<Void> ack() {
    return settled.compareAndSet(false, true)
        ? item.ack()
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> drop() {
    return settled.compareAndSet(false, true)
        ? item.drop()
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public void reply(WorkerEvent event) {
    boolean last = event instanceof WorkerEvent.Completed || event instanceof WorkerEvent.Dropped;
    if (last ? answered.compareAndSet(false, true) : !answered.get()) {
      item.reply(event);
    }
  }

  boolean isSettled() {
    return settled.get();
  }

  boolean isAnswered() {
    return answered.get();
  }
}
