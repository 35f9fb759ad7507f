package dev.faas.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Which functions get series of their own in a node's {@code /metrics} (docs/decisions/0021): at
 * most {@code cap}, first seen first served; a function not seen for {@code idleAfter} gives its
 * place to the next newcomer (its series are removed); past the cap with no idle place, a function
 * is counted under {@link #OTHER}. Pure: the caller owns the table and applies the choice.
 */
final class SeriesCap {
  /** The label value of every function without series of its own. */
  static final String OTHER = "other";

  private SeriesCap() {}

  /** What to do with one activation's function. */
  sealed interface Choice permits Own, Admit, Replace, Other {}

  /** It has its own series already: count it there (and note it was seen now). */
  record Own() implements Choice {}

  /** A free place: it gets its own series from now on. */
  record Admit() implements Choice {}

  /** No free place, but {@code idle} was not seen for long: its series go, this one takes its place. */
  record Replace(String idle) implements Choice {}

  /** No place: counted under {@link #OTHER}. */
  record Other() implements Choice {}

  /**
   * @param lastSeen the functions with series of their own, and when each was last seen
   * @param cap at most this many functions with series of their own
   * @param idleAfter a function unseen this long may give its place up; null or zero: never
   * @param function the activation's function (its key)
   * @param now this activation's time
   */
  static Choice choose(
      Map<String, Instant> lastSeen, int cap, Duration idleAfter, String function, Instant now) {
    if (lastSeen.containsKey(function)) {
      return new Own();
    }
    if (lastSeen.size() < cap) {
      return new Admit();
    }
    if (idleAfter == null || idleAfter.isZero() || idleAfter.isNegative()) {
      return new Other();
    }
    Instant idleBefore = now.minus(idleAfter);
    String oldest = null;
    Instant oldestSeen = null;
    for (Map.Entry<String, Instant> entry : lastSeen.entrySet()) {
      Instant seen = entry.getValue();
      if (seen.isBefore(idleBefore) && (oldestSeen == null || seen.isBefore(oldestSeen))) {
        oldest = entry.getKey();
        oldestSeen = seen;
      }
    }
    return oldest == null ? new Other() : new Replace(oldest);
  }
}
