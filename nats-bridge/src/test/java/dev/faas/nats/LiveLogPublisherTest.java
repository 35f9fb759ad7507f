package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker's bounded live-log queue: never blocks the function's stream (decision 0023). */
class LiveLogPublisherTest {

  @Test
  void theBoundIsOnMessagesAndOnBytes() {
    assertTrue(LiveLogPublisher.fits(0, 0, 100, 2, 100));
    assertFalse(LiveLogPublisher.fits(2, 0, 1, 2, 100), "too many messages");
    assertFalse(LiveLogPublisher.fits(1, 60, 41, 2, 100), "too many bytes");
    assertTrue(LiveLogPublisher.fits(1, 60, 40, 2, 100));
  }

  @Test
  void aStuckSendNeverBlocksAnOfferAndWhatDoesNotFitIsDroppedAndCounted() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    List<String> sent = new CopyOnWriteArrayList<>();
    LiveLogPublisher publisher =
        new LiveLogPublisher(
            message -> {
              try {
                stuck.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              sent.add(message.subject());
            },
            4,
            1_000);
    try {
      long start = System.nanoTime();
      int accepted = 0;
      for (int i = 0; i < 100; i++) {
        if (publisher.offer(pending("s" + i, 10))) {
          accepted++;
        }
      }
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1_000, "never waited");
      // One taken by the stuck sender, four waiting: the rest dropped.
      assertTrue(accepted <= 5, "accepted " + accepted);
      assertEquals(100 - accepted, publisher.droppedMessages());
      assertEquals(10L * (100 - accepted), publisher.droppedBytes());

      stuck.countDown();
      int expected = accepted;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (sent.size() < expected && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertEquals(expected, sent.size());
      assertEquals("s0", sent.get(0), "in order");
    } finally {
      publisher.close();
    }
  }

  @Test
  void aSendThatFailsIsCountedAsDropped() throws Exception {
    CountDownLatch tried = new CountDownLatch(1);
    LiveLogPublisher publisher =
        new LiveLogPublisher(
            message -> {
              tried.countDown();
              throw new IllegalStateException("not connected to NATS");
            });
    try {
      assertTrue(publisher.offer(pending("s", 7)));
      assertTrue(tried.await(5, TimeUnit.SECONDS));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (publisher.droppedBytes() < 7 && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertEquals(7, publisher.droppedBytes());
    } finally {
      publisher.close();
    }
  }

  private static LiveLogPublisher.Pending pending(String subject, int size) {
    return new LiveLogPublisher.Pending(subject, new Headers(), new byte[size]);
  }
}
