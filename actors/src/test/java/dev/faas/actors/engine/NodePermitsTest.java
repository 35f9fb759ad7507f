package dev.faas.actors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodePermitsTest {

  @Test
  void grantsExactlyMaxThenRefuses() {
    NodePermits permits = new NodePermits(3);
    assertTrue(permits.tryAcquire("a"));
    assertTrue(permits.tryAcquire("b"));
    assertTrue(permits.tryAcquire("c"));
    assertFalse(permits.tryAcquire("d"));
    assertEquals(3, permits.inUse());
  }

  @Test
  void aReleaseMakesRoomForExactlyOne() {
    NodePermits permits = new NodePermits(2);
    permits.tryAcquire("a");
    permits.tryAcquire("b");
    assertTrue(permits.release("a"));
    assertTrue(permits.tryAcquire("c"));
    assertFalse(permits.tryAcquire("d"));
  }

  @Test
  void askingTwiceHoldsOnePermit() {
    NodePermits permits = new NodePermits(2);
    assertTrue(permits.tryAcquire("a"));
    assertTrue(permits.tryAcquire("a"));
    assertEquals(1, permits.inUse());
    assertTrue(permits.tryAcquire("b"));
  }

  @Test
  void releasingTwiceOrWithoutAPermitChangesNothing() {
    NodePermits permits = new NodePermits(1);
    permits.tryAcquire("a");
    assertTrue(permits.release("a"));
    assertFalse(permits.release("a"));
    assertFalse(permits.release("never"));
    assertEquals(0, permits.inUse());
    assertTrue(permits.tryAcquire("b"));
    assertFalse(permits.tryAcquire("c"));
  }

  @Test
  void zeroRefusesEveryoneAndNegativeIsAnError() {
    assertFalse(new NodePermits(0).tryAcquire("a"));
    assertThrows(IllegalArgumentException.class, () -> new NodePermits(-1));
  }
}
