package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.fakes.Records;
import dev.faas.actors.fakes.RecordingItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettleOnceTest {
  private final RecordingItem item =
      new RecordingItem(Fns.request("act0000001", Fns.function("echo", 1000), new byte[0]));
  private final SettleOnce once = new SettleOnce(item);

  @Test
  void theLiveLogIsTheItemsOwn() {
    // A runner under its worker gets the item wrapped: its stderr must still reach followers.
    assertSame(item.liveLog(), once.liveLog());
  }

  @Test
  void anAckedItemIsNeverDropped() {
    assertFalse(once.isSettled());
    once.ack();
    once.drop();
    assertTrue(once.isSettled());
    assertEquals(1, item.acks());
    assertEquals(0, item.drops());
  }

  @Test
  void aDroppedItemIsNeverAcked() {
    once.drop();
    once.ack();
    once.drop();
    assertTrue(once.isSettled());
    assertEquals(0, item.acks());
    assertEquals(1, item.drops());
  }

  @Test
  void anAckMayBeSentAgainWhenItsConfirmationWasLost() {
    once.ack();
    once.ack();
    assertEquals(2, item.acks());
  }

  @Test
  void progressGoesOnUntilAnAckIsConfirmed() {
    RecordingItem failingAcks =
        new RecordingItem(Fns.request("act0000002", Fns.function("echo", 1000), new byte[0]))
            .failingAcks(1);
    SettleOnce guarded = new SettleOnce(failingAcks);
    guarded.inProgress();
    assertTrue(guarded.ack().toCompletableFuture().isCompletedExceptionally());
    guarded.inProgress();
    guarded.ack().toCompletableFuture().join();
    guarded.inProgress();
    assertEquals(2, failingAcks.inProgressCount());
    assertEquals(2, failingAcks.acks());
  }

  @Test
  void oneFinalEventAndNothingAfterIt() {
    once.reply(new WorkerEvent.Heartbeat("act0000001"));
    once.reply(new WorkerEvent.Completed("act0000001", Records.success("act0000001", new byte[0])));
    once.reply(new WorkerEvent.Heartbeat("act0000001"));
    once.reply(new WorkerEvent.Dropped("act0000001", "late"));
    assertTrue(once.isAnswered());
    List<WorkerEvent> replies = item.replies();
    assertEquals(2, replies.size());
    assertTrue(replies.get(1) instanceof WorkerEvent.Completed);
  }

  @Test
  void noInProgressOnceSettled() {
    once.inProgress();
    once.drop();
    once.inProgress();
    assertEquals(1, item.inProgressCount());
    assertEquals(1, item.drops());
  }
}
