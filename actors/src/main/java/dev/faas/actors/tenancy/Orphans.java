package dev.faas.actors.tenancy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The janitor's decision, apart from the actor: which owners to sweep in this pass.
 *
 * <p>An owner is swept only when two passes in a row found data of it and no user with its id.
 * A user's data is written after the user, but a node hears of the two through different
 * watches: a function of a user registered a moment ago on another node may arrive first. One
 * whole interval between the two looks leaves the user's watch event time to arrive.
 */
public final class Orphans {
  private Orphans() {}

  /**
   * @param sweep the owners to sweep now, at most the bound, in a stable order
   * @param candidates the owners that look orphaned now: the next pass sweeps those still so
   */
  public record Decision(List<String> sweep, Set<String> candidates) {
    public Decision {
      sweep = List.copyOf(sweep);
      candidates = Set.copyOf(candidates);
    }
  }

  /**
   * @param previous the previous pass's candidates
   * @param withData every owner found with data now
   * @param liveUserIds the ids of every user that exists now
   * @param maxPerPass the most owners one pass sweeps (the rest wait for the next)
   */
  public static Decision decide(
      Set<String> previous, Map<String, ?> withData, Set<String> liveUserIds, int maxPerPass) {
    Set<String> orphaned = new HashSet<>(withData.keySet());
    orphaned.removeAll(liveUserIds);
    List<String> sweep =
        orphaned.stream().filter(previous::contains).sorted().limit(maxPerPass).toList();
    return new Decision(sweep, orphaned);
  }
}
