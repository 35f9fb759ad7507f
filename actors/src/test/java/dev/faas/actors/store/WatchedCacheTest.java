package dev.faas.actors.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.Versioned;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchedCacheTest {

  @Test
  void aLocalDeleteAfterTheWatchsDeleteDoesNotHideTheNextWriteOfTheKey() {
    WatchedCache<String> cache = new WatchedCache<>();
    cache.put("x", new Versioned<>("old user", 1));
    cache.removed("x", 2); // the watch was quicker than the node's own bookkeeping
    cache.removedLocally("x");

    cache.put("x", new Versioned<>("new user", 3)); // the name registered again at once

    assertEquals(Optional.of(new Versioned<>("new user", 3)), cache.get("x"));
  }

  @Test
  void aLocalDeleteStillKeepsAnOlderPutFromRevivingTheEntry() {
    WatchedCache<String> cache = new WatchedCache<>();
    cache.put("x", new Versioned<>("v", 5));
    cache.removedLocally("x");

    cache.put("x", new Versioned<>("v", 5)); // a late read of the same revision

    assertTrue(cache.get("x").isEmpty());
  }
}
