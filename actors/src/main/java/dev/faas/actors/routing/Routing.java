package dev.faas.actors.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * Routing toward the worker that holds pre-started containers (docs/decisions/0005), every rule
 * of it in one place and nothing but decisions: which worker an API node picks, what a routed
 * request's deadline is, what a drop means, and when a worker may pull routed work. The actors
 * and the transport ask; nothing here runs anything.
 */
public final class Routing {
  private Routing() {}

  /** A worker as an API node last heard of it. */
  public record Candidate(String workerId, int freeSlots, boolean holdsFunction, boolean recent) {}

  /**
   * Where an activation goes: among the workers heard recently that hold pre-started containers
   * for the function and have a free slot, the one with the most free slots; ties broken by
   * {@code random} (given the number of tied workers, it answers an index) so that API nodes do
   * not all pick the same one. Empty: the shared queue.
   */
  public static Optional<String> choose(Collection<Candidate> workers, IntUnaryOperator random) {
    List<String> best = new ArrayList<>();
    int bestFree = 0;
    for (Candidate c : workers) {
      if (!c.recent() || !c.holdsFunction() || c.freeSlots() <= 0) {
        continue;
      }
      if (c.freeSlots() > bestFree) {
        best.clear();
        bestFree = c.freeSlots();
      }
      if (c.freeSlots() == bestFree) {
        best.add(c.workerId());
      }
    }
    return best.isEmpty()
        ? Optional.empty()
        : Optional.of(best.get(random.applyAsInt(best.size())));
  }

  /** What a worker's drop of a request means to the API node waiting for it. */
  public enum DropMeans {
    /** The worker it was routed to dropped it: queue it for any worker. */
    FALL_BACK,
    /** A late drop by the worker a first submit was routed to: it says nothing of this one. */
    IGNORE,
    /** The request queued for any worker was dropped: nobody will run it. */
    FAILED
  }

  /**
   * One activation's way to a worker, as its API node sees it: routed to {@code to} (null: queued
   * for any worker), first routed to {@code first} (kept after a fallback, to know its late word),
   * first submitted at {@code submittedAt} (kept too: the record's queue time shows the detour).
   */
  public record Route(Instant submittedAt, String to, String first) {

    /** The first submit: to {@code warmWorker} when there is one, else for any worker. */
    public static Route start(Instant submittedAt, Optional<String> warmWorker) {
      String to = warmWorker.orElse(null);
      return new Route(submittedAt, to, to);
    }

    public boolean routed() {
      return to != null;
    }

    /** The same activation, queued for any worker now. */
    public Route fallBack() {
      return new Route(submittedAt, null, first);
    }

    /**
     * The deadline a worker must take this submit by: the activation's own, or for a routed
     * submit {@code routeTimeout} from now when that is sooner.
     */
    public Instant acceptBy(Instant now, Instant activationAcceptBy, Duration routeTimeout) {
      if (!routed()) {
        return activationAcceptBy;
      }
      Instant routedBy = now.plus(routeTimeout);
      return routedBy.isBefore(activationAcceptBy) ? routedBy : activationAcceptBy;
    }

    /** What a drop by {@code worker} means now. */
    public DropMeans onDrop(String worker) {
      if (routed()) {
        return DropMeans.FALL_BACK;
      }
      return first != null && first.equals(worker) ? DropMeans.IGNORE : DropMeans.FAILED;
    }
  }

  /**
   * Whether a worker may open its routed pull (one item) now. Only while both pulls in flight
   * together cannot bring more than one item over its slots: the shared pull may bring as many
   * items as were free when it was made ({@code sharedMax}), so once a routed item has taken one
   * of those places, the next routed pull waits for the shared one to end.
   */
  public static boolean mayPullRouted(boolean sharedInFlight, int sharedMax, int free) {
    return free > 0 && (!sharedInFlight || sharedMax <= free);
  }

  /**
   * Whether a pulled item has a place on a worker with {@code free} slots: with routing, the
   * shared and the routed pull may both be answered, so one item over the slots is expected.
   */
  public static boolean hasPlace(int free, boolean routes) {
    return free >= (routes ? 0 : 1);
  }
}
