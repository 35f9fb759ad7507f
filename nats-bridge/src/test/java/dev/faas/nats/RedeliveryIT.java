package dev.faas.nats;

import static dev.faas.nats.Activations.newId;
import static dev.faas.nats.Activations.request;
import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.TransportFixture.ACK_WAIT;
import static dev.faas.nats.TransportFixture.MAX_CONCURRENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedeliveryIT {
  // Comfortably past the 1 s ack wait, so a redelivery has happened if it is going to.
  private static final Duration PAST_ACK_WAIT = ACK_WAIT.multipliedBy(3);

  private TransportFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = TransportFixture.started();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aDeadWorkersItemComesBackOnceWithDeliveryCountTwoAndItsDropFreesThePlace()
      throws Exception {
    ActivationQueue queue = fixture.queue("api-a");
    String id = newId();
    await(queue.submit(request(id, new byte[] {42}, "r")));
    for (int i = 1; i < MAX_CONCURRENT; i++) {
      await(queue.submit(request(newId(), new byte[0], "r")));
    }
    NatsBridge doomed = fixture.bridge("doomed");
    List<WorkItem> taken = await(doomed.workSource().pull(MAX_CONCURRENT, ACK_WAIT));
    assertEquals(MAX_CONCURRENT, taken.size());
    assertEquals(1, taken.get(0).deliveryCount());
    for (WorkItem item : taken.subList(1, taken.size())) {
      await(item.ack());
    }

    doomed.close();

    WorkSource survivor = fixture.bridge("survivor").workSource();
    List<WorkItem> redelivered = pullOne(survivor);
    assertEquals(id, redelivered.get(0).request().activationId());
    assertEquals(2, redelivered.get(0).deliveryCount());
    assertEquals(1, fixture.queued(), "its place is still held");

    await(redelivered.get(0).drop());

    assertEquals(0, fixture.queued());
    assertEquals(List.of(), await(survivor.pull(1, PAST_ACK_WAIT)), "a drop is never redelivered");
  }

  @Test
  void progressReportsKeepAnItemFromBeingHandedOutAgain() throws Exception {
    ActivationQueue queue = fixture.queue("api-a");
    await(queue.submit(request(newId(), new byte[0], "r")));
    WorkSource runner = fixture.bridge("runner").workSource();
    WorkSource other = fixture.bridge("other").workSource();
    WorkItem item = pullOne(runner).get(0);

    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
    try {
      reporter.scheduleAtFixedRate(item::inProgress, 0, 300, TimeUnit.MILLISECONDS);
      // Each pull waits its full second (nothing comes): together well past the ack wait.
      long before = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        assertEquals(List.of(), await(other.pull(1, ACK_WAIT)));
      }
      assertTrue(System.nanoTime() - before > PAST_ACK_WAIT.toNanos() - ACK_WAIT.toNanos() / 2);
    } finally {
      reporter.shutdownNow();
    }
    await(item.ack());
    assertEquals(0, fixture.queued());
  }

  @Test
  void aPlaceHeldByAnUnackedItemStaysTakenUntilItsWorkerIsDone() throws Exception {
    ActivationQueue queue = fixture.queue("api-a");
    for (int i = 0; i < MAX_CONCURRENT; i++) {
      await(queue.submit(request(newId(), new byte[0], "r")));
    }
    WorkSource worker = fixture.bridge("worker").workSource();
    List<WorkItem> items = await(worker.pull(MAX_CONCURRENT, ACK_WAIT));
    assertEquals(MAX_CONCURRENT, items.size());

    failure(queue.submit(request(newId(), new byte[0], "r")), AdmissionRefused.Full.class);
    await(items.get(0).ack());
    await(queue.submit(request(newId(), new byte[0], "r")));
  }

  private static List<WorkItem> pullOne(WorkSource source) throws Exception {
    List<WorkItem> items = await(source.pull(1, PAST_ACK_WAIT));
    assertEquals(1, items.size(), "one item pulled");
    return items;
  }
}
