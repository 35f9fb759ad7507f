package dev.faas.actors.worker;

/**
 * How many activations a worker may pull with the memory it has promised (docs/decisions/0017):
 * the containers it runs and the ones its pool holds started each have their function's {@code
 * memoryMb}, and the sum must stay within the worker's budget. A pulled item's memory is not
 * known before it arrives, so each is counted at the largest a function may ask for; a worker that
 * runs nothing still takes one item, so a function larger than the budget runs alone rather than
 * never. Pure: the worker asks it before every pull of the shared queue.
 */
final class MemoryBudget {
  private MemoryBudget() {}

  /**
   * Items the shared pull may bring.
   *
   * @param free free slots
   * @param budgetMb the worker's memory budget; 0 or less: none (slots alone decide)
   * @param runningMb memory of the containers running activations
   * @param pooledMb memory of the pool's idle and starting containers
   * @param largestMb the largest memory a function may have
   */
  static int pullable(int free, long budgetMb, long runningMb, long pooledMb, long largestMb) {
    if (free <= 0 || budgetMb <= 0) {
      return Math.max(free, 0);
    }
    long room = budgetMb - runningMb - pooledMb;
    long fits = room <= 0 ? 0 : room / Math.max(largestMb, 1);
    if (fits == 0 && runningMb == 0) {
      return 1;
    }
    return (int) Math.min(free, fits);
  }
}
