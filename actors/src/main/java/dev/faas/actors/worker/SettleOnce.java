package dev.faas.actors.worker;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.LiveLog;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A work item that lets through one kind of settlement (ack or drop) and one final event
 * (Completed or Dropped), shared by a runner and its worker: whichever of the two gets there
 * first settles it, so a runner that crashed half way is finished by its worker and an item is
 * never both acked and dropped. Acks may be sent again: one whose confirmation was lost (NATS
 * away) must be, and the server applies an ack once however often it comes. Progress reports go
 * on until an ack is confirmed, so a retried ack does not lose the item to a redelivery.
 */
final class SettleOnce implements WorkItem {
  private enum Settlement {
    NONE,
    ACK,
    DROP
  }

  private final WorkItem item;
  private final AtomicReference<Settlement> settlement = new AtomicReference<>(Settlement.NONE);
  private final AtomicBoolean ackConfirmed = new AtomicBoolean();
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
    return settlement.get() == Settlement.DROP || ackConfirmed.get()
        ? CompletableFuture.completedFuture(null)
        : item.inProgress();
  }

  @Override
  public CompletionStage<Void> ack() {
    if (!settlement.compareAndSet(Settlement.NONE, Settlement.ACK)
        && settlement.get() != Settlement.ACK) {
      return CompletableFuture.completedFuture(null);
    }
    return item.ack().thenRun(() -> ackConfirmed.set(true));
  }

  @Override
  public CompletionStage<Void> drop() {
    return settlement.compareAndSet(Settlement.NONE, Settlement.DROP)
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

  @Override
  public LiveLog liveLog() {
    return item.liveLog();
  }

  boolean isSettled() {
    return settlement.get() != Settlement.NONE;
  }

  boolean isAnswered() {
    return answered.get();
  }
}
