package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a follower passes on of each message, and what it reports lost (decision 0023). */
class FollowCursorTest {

  @Test
  void messagesInOrderPassWholeAndLoseNothing() {
    FollowCursor.Step first = FollowCursor.START.onMessage(0, 10);
    assertEquals(new FollowCursor.Step(new FollowCursor(10, 0), 0, 10), first);
    FollowCursor.Step second = first.next().onMessage(10, 5);
    assertEquals(new FollowCursor.Step(new FollowCursor(15, 0), 0, 5), second);
  }

  @Test
  void aGapIsCountedAsLost() {
    FollowCursor.Step step = new FollowCursor(10, 0).onMessage(25, 5);
    assertEquals(new FollowCursor(30, 15), step.next());
    assertEquals(5, step.fresh());
  }

  @Test
  void aLateFollowerIsToldWhatCameBeforeIt() {
    // An alive or end message names how much was sent: the gap is known without any bytes.
    FollowCursor.Step step = FollowCursor.START.onMessage(300, 0);
    assertEquals(new FollowCursor(300, 300), step.next());
    assertEquals(0, step.fresh());
  }

  @Test
  void aRepeatIsCutAndOldBytesAreNotSentTwice() {
    FollowCursor at = new FollowCursor(10, 0);
    assertEquals(new FollowCursor.Step(at, 5, 0), at.onMessage(5, 5));
    FollowCursor.Step overlapping = at.onMessage(5, 10);
    assertEquals(5, overlapping.skip());
    assertEquals(5, overlapping.fresh());
    assertEquals(new FollowCursor(15, 0), overlapping.next());
  }

  @Test
  void bytesWithNoRoomAddUpUntilReportedOnce() {
    FollowCursor full = FollowCursor.START.onMessage(0, 10).next().lost(10);
    FollowCursor fuller = full.onMessage(10, 7).next().lost(7);
    assertEquals(new FollowCursor(17, 17), fuller);
    assertEquals(new FollowCursor(17, 0), fuller.reported());
    // A gap after a loss adds to what is to be told.
    assertEquals(new FollowCursor(25, 20), fuller.onMessage(20, 5).next());
  }
}
