package dev.faas.actors.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphansTest {
  private static final Map<String, Set<String>> DATA =
      Map.of("a", Set.of("functions"), "b", Set.of("API keys"), "c", Set.of("functions"));

  @Test
  void anOwnerWithoutAUserIsOnlyACandidateTheFirstTime() {
    Orphans.Decision first = Orphans.decide(Set.of(), DATA, Set.of("a"), 10);
    assertEquals(List.of(), first.sweep());
    assertEquals(Set.of("b", "c"), first.candidates());
  }

  @Test
  void anOwnerOrphanedTwoPassesRunningIsSwept() {
    Orphans.Decision second = Orphans.decide(Set.of("b", "c"), DATA, Set.of("a"), 10);
    assertEquals(List.of("b", "c"), second.sweep());
  }

  @Test
  void aUserWhoseWatchEventArrivedLateIsNeverSwept() {
    // "c" looked orphaned in the last pass; its user has arrived since.
    Orphans.Decision second = Orphans.decide(Set.of("b", "c"), DATA, Set.of("a", "c"), 10);
    assertEquals(List.of("b"), second.sweep());
    assertEquals(Set.of("b"), second.candidates());
  }

  @Test
  void aPassSweepsAtMostItsBoundAndKeepsTheRestForTheNext() {
    Orphans.Decision second = Orphans.decide(Set.of("a", "b", "c"), DATA, Set.of(), 2);
    assertEquals(List.of("a", "b"), second.sweep());
    assertEquals(Set.of("a", "b", "c"), second.candidates());
  }
}
