package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageState;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.Versioned;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LargestFunctionFeedTest {
  private static final String OWNER = "5b0c2a8e-0d7b-4d43-9a43-3f1c8f0f6a11";

  private static Versioned<FunctionSpec> function(String name, int memoryMb, long revision) {
    Instant t = Instant.parse("2026-12-04T00:00:00Z");
    return new Versioned<>(
        new FunctionSpec(
            OWNER, name, "alpine:3", ImageState.asIs(), 1000, memoryMb, "", Map.of(),
            InputMode.STDIN, false, t, t),
        revision);
  }

  @Test
  void silentUntilCaughtUpThenTellsEachNewLargest() {
    List<Long> told = new ArrayList<>();
    LargestFunctionFeed feed = new LargestFunctionFeed(told::add);

    feed.put(OWNER + ".a", function("a", 64, 1));
    feed.put(OWNER + ".b", function("b", 512, 2));
    assertEquals(List.of(), told, "nothing before the watch has caught up");

    feed.caughtUp();
    assertEquals(List.of(512L), told);

    feed.put(OWNER + ".c", function("c", 256, 3));
    assertEquals(List.of(512L), told, "a smaller function changes nothing");

    feed.put(OWNER + ".b", function("b", 1024, 4));
    feed.removed(OWNER + ".b", 5);
    assertEquals(List.of(512L, 1024L, 256L), told, "grown, then gone: the next largest");
  }

  @Test
  void withNoFunctionTheDefaultSize() {
    List<Long> told = new ArrayList<>();
    LargestFunctionFeed feed = new LargestFunctionFeed(told::add);
    feed.caughtUp();
    assertEquals(List.of((long) FunctionSpec.DEFAULT_MEMORY_MB), told);
  }
}
