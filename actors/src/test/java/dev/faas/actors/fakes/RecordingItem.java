package dev.faas.actors.fakes;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLog;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkerEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.util.ByteString;

/** A work item outside any queue that records what was done with it. */
public final class RecordingItem implements WorkItem {
  private final ActivationRequest request;
  private final int deliveryCount;
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger acks = new AtomicInteger();
  private final AtomicInteger acksToFail = new AtomicInteger();
  private final AtomicInteger drops = new AtomicInteger();
  private final List<WorkerEvent> replies = new CopyOnWriteArrayList<>();
  private final List<String> live = new CopyOnWriteArrayList<>();
  private final LiveLog liveLog =
      new LiveLog() {
        @Override
        public void keptSoFar(ByteString stderr) {
          live.add("kept " + stderr.utf8String());
        }

        @Override
        public void alive() {
          live.add("alive");
        }

        @Override
        public void end(ActivationStatus status, boolean truncated) {
          live.add("end " + status + " " + truncated + " after " + replies.size() + " replies");
        }
      };

  public RecordingItem(ActivationRequest request) {
    this(request, 1);
  }

  public RecordingItem(ActivationRequest request, int deliveryCount) {
    this.request = request;
    this.deliveryCount = deliveryCount;
  }

  @Override
  public ActivationRequest request() {
    return request;
  }

  @Override
  public int deliveryCount() {
    return deliveryCount;
  }

  @Override
  public CompletionStage<Void> inProgress() {
    inProgress.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  /** The next {@code count} acks fail, as when NATS is away. */
  public RecordingItem failingAcks(int count) {
    acksToFail.set(count);
    return this;
  }

  @Override
  public CompletionStage<Void> ack() {
    acks.incrementAndGet();
    if (acksToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("not connected to NATS"));
    }
    return CompletableFuture.runAsync(() -> {});
  }

  @Override
  public CompletionStage<Void> drop() {
    drops.incrementAndGet();
    return CompletableFuture.runAsync(() -> {});
  }

  @Override
  public void reply(WorkerEvent event) {
    replies.add(event);
  }

  @Override
  public LiveLog liveLog() {
    return liveLog;
  }

  /** What the live log was told, in order: {@code kept <stderr>}, {@code alive}, {@code end ...}. */
  public List<String> live() {
    return List.copyOf(live);
  }

  public int inProgressCount() {
    return inProgress.get();
  }

  public int acks() {
    return acks.get();
  }

  public int drops() {
    return drops.get();
  }

  public List<WorkerEvent> replies() {
    return List.copyOf(replies);
  }

  public <T extends WorkerEvent> List<T> replies(Class<T> type) {
    return replies.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
