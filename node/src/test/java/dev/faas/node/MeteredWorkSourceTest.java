package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.http.ActivationMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class MeteredWorkSourceTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<WorkerEvent> replied = new ArrayList<>();

  @Test
  void aCompletedReplyTimesItsRunOnceAndIsPassedOn() {
    MeteredWorkSource source =
        new MeteredWorkSource(new OneItem(), new ActivationMetrics(registry, 10), registry, 4);
    WorkItem item = source.pull(1, Duration.ZERO).toCompletableFuture().join().get(0);
    ActivationRecord record =
        new ActivationRecord("a1", "u1", "echo", ActivationStatus.SUCCESS, null, 0, new byte[0],
            "", false, Instant.EPOCH, 60, "w1", true, 5, 2, 40);
    item.reply(new WorkerEvent.Accepted("a1", "w1"));
    item.reply(new WorkerEvent.Completed("a1", record));
    assertEquals(2, replied.size());
    assertEquals(1, registry.get(ActivationMetrics.RUN).tag("function", "u1.echo").timer().count());
    assertEquals(
        2.0,
        registry.get(ActivationMetrics.ACQUIRE).tag("start", "warm").timer()
            .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  @Test
  void freeSlotsAreTheLastAnnouncedOnes() {
    MeteredWorkSource source =
        new MeteredWorkSource(new OneItem(), new ActivationMetrics(registry, 10), registry, 4);
    assertEquals(4.0, registry.get("faas.worker.slots.free").gauge().value());
    source.announce("w1", 1, Set.of());
    assertEquals(1.0, registry.get("faas.worker.slots.free").gauge().value());
    assertEquals(4.0, registry.get("faas.worker.slots").gauge().value());
  }

  private final class OneItem implements WorkSource {
    @Override
    public CompletionStage<List<WorkItem>> pull(int max, Duration wait) {
      WorkItem item =
          new WorkItem() {
            @Override
            public ActivationRequest request() {
              return null;
            }

            @Override
            public int deliveryCount() {
              return 1;
            }

            @Override
            public CompletionStage<Void> inProgress() {
              return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> ack() {
              return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletionStage<Void> drop() {
              return CompletableFuture.completedFuture(null);
            }

            @Override
            public void reply(WorkerEvent event) {
              replied.add(event);
            }
          };
      return CompletableFuture.completedFuture(List.of(item));
    }

    @Override
    public void announce(String workerId, int freeSlots, Set<String> warmFunctions) {}

    @Override
    public boolean routes() {
      return false;
    }

    @Override
    public CompletionStage<List<WorkItem>> pullRouted(int max, Duration wait) {
      return pull(max, wait);
    }
  }
}
