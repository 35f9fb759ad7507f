package dev.faas.node;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.http.ActivationMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's work source whose items count the runs they report: the worker's last word on an
 * activation ({@link WorkerEvent.Completed}, sent once per item) carries its record, with the
 * queue wait, container acquisition and run the worker timed; {@link ActivationMetrics#ran}
 * exports them from here, the node that measured them; its announcements give the free slots.
 * The worker's actors know no metrics.
 */
final class MeteredWorkSource implements WorkSource {
  private final WorkSource inner;
  private final ActivationMetrics metrics;
  /** The free slots of the worker's last announcement (about every second). */
  private final AtomicInteger free;

  /**
   * @param slots the worker's slots ({@code FAAS_WORKER_SLOTS}); free ones are read from its
   *     announcements
   */
  MeteredWorkSource(WorkSource inner, ActivationMetrics metrics, MeterRegistry registry, int slots) {
    this.inner = inner;
    this.metrics = metrics;
    this.free = new AtomicInteger(slots);
    Gauge.builder("faas.worker.slots", () -> slots)
        .description("Activations this worker runs at once at most (FAAS_WORKER_SLOTS)")
        .register(registry);
    Gauge.builder("faas.worker.slots.free", free, AtomicInteger::get)
        .description("Slots free at the worker's last announcement (memory budget included)")
        .register(registry);
  }

  @Override
  public CompletionStage<List<WorkItem>> pull(int max, Duration wait) {
    return inner.pull(max, wait).thenApply(this::metered);
  }

  @Override
  public void announce(String workerId, int freeSlots, Set<String> warmFunctions) {
    free.set(freeSlots);
    inner.announce(workerId, freeSlots, warmFunctions);
  }

  @Override
  public boolean routes() {
    return inner.routes();
  }

  @Override
  public CompletionStage<List<WorkItem>> pullRouted(int max, Duration wait) {
    return inner.pullRouted(max, wait).thenApply(this::metered);
  }

  private List<WorkItem> metered(List<WorkItem> items) {
    return items.stream().<WorkItem>map(item -> new Metered(item, metrics)).toList();
  }

  private record Metered(WorkItem item, ActivationMetrics metrics) implements WorkItem {
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
      return item.inProgress();
    }

    @Override
    public CompletionStage<Void> ack() {
      return item.ack();
    }

    @Override
    public CompletionStage<Void> drop() {
      return item.drop();
    }

    @Override
    public void reply(WorkerEvent event) {
      if (event instanceof WorkerEvent.Completed completed && completed.record() != null) {
        try {
          metrics.ran(completed.record());
        } catch (RuntimeException e) {
          // A metric is never worth an activation's answer.
        }
      }
      item.reply(event);
    }
  }
}
