package dev.faas.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageState;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.WatchedCache;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunImagesTest {
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static FunctionSpec function(String name, String image, ImageState state) {
    Instant t = Instant.parse("2026-12-04T00:00:00Z");
    return new FunctionSpec(
        "alice", name, image, state, 1000, 64, "", Map.of(), InputMode.STDIN, false, t, t);
  }

  @Test
  void unknownUntilTheWatchHasCaughtUpThenEveryLiveFunctionsRunImage() {
    WatchedCache<FunctionSpec> cache = new WatchedCache<>();
    RunImages images = new RunImages(cache);
    cache.put("alice.a", new Versioned<>(function("a", "alpine:3", ImageState.asIs()), 1));
    cache.put(
        "alice.b",
        new Versioned<>(function("b", "reg.example/fn:1", ImageState.pinned(DIGEST)), 2));
    cache.put("alice.c", new Versioned<>(function("c", "gone:1", ImageState.asIs()), 3));

    assertEquals(Optional.empty(), images.get(), "before the first full snapshot");

    cache.removed("alice.c", 4);
    cache.caughtUp();
    assertEquals(
        Optional.of(Set.of("alpine:3", "reg.example/fn@" + DIGEST)), images.get());
  }
}
