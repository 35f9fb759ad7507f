package dev.faas.actors.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How much a worker pulls with its memory budget (docs/decisions/0017). */
class MemoryBudgetTest {
  private static final long LARGEST = 4096;

  @Test
  void withoutABudgetSlotsAloneDecide() {
    assertEquals(8, MemoryBudget.pullable(8, 0, 100_000, 100_000, LARGEST));
  }

  @Test
  void eachPulledItemIsCountedAtTheLargestAFunctionMayHave() {
    // 8 slots × 4096 MiB cannot be promised on a 6 GiB budget: one item at a time.
    assertEquals(1, MemoryBudget.pullable(8, 6144, 0, 0, LARGEST));
    assertEquals(4, MemoryBudget.pullable(8, 16384, 0, 0, LARGEST));
    assertEquals(2, MemoryBudget.pullable(8, 16384, 4096, 4096, LARGEST));
  }

  @Test
  void runningAndPreStartedContainersTakeTheirShare() {
    assertEquals(1, MemoryBudget.pullable(8, 6144, 2048, 0, LARGEST));
    assertEquals(0, MemoryBudget.pullable(8, 6144, 2049, 0, LARGEST));
    assertEquals(0, MemoryBudget.pullable(8, 6144, 256, 4096, LARGEST));
    assertEquals(0, MemoryBudget.pullable(8, 6144, 8192, 0, LARGEST));
  }

  @Test
  void aWorkerRunningNothingStillTakesOneItem() {
    // A budget smaller than the largest function, or a pool holding it all: one runs alone.
    assertEquals(1, MemoryBudget.pullable(8, 1024, 0, 0, LARGEST));
    assertEquals(1, MemoryBudget.pullable(8, 6144, 0, 6144, LARGEST));
  }

  @Test
  void neverMoreThanTheFreeSlots() {
    assertEquals(2, MemoryBudget.pullable(2, 1 << 20, 0, 0, LARGEST));
    assertEquals(0, MemoryBudget.pullable(0, 1 << 20, 0, 0, LARGEST));
  }
}
