package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.function;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.WatchedCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchIT {
  private static final Duration WITHIN = Duration.ofSeconds(1);

  private BridgeFixture fixture;
  private NatsBridge nodeA;
  private NatsBridge nodeB;

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    nodeA = fixture.ready("node-a");
    nodeB = fixture.ready("node-b");
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void aCacheFedByOneNodeSeesWhatAnotherNodeWrites() throws Exception {
    Versioned<FunctionSpec> before = await(nodeA.functions().create(function(Fixtures.uid("gus"), "old", "img:1")));
    WatchedCache<FunctionSpec> cache = new WatchedCache<>();
    AutoCloseable watch = nodeB.functions().watch(cache);
    try {
      waitUntil(WITHIN, "caught up", cache::isCaughtUp);
      assertEquals(Optional.of(before), cache.get(Fixtures.uid("gus") + ".old"));

      Versioned<FunctionSpec> created = await(nodeA.functions().create(function(Fixtures.uid("gus"), "f", "img:1")));
      waitUntil(WITHIN, "create seen", () -> cache.get(Fixtures.uid("gus") + ".f").equals(Optional.of(created)));

      Versioned<FunctionSpec> updated =
          await(nodeA.functions().update(function(Fixtures.uid("gus"), "f", "img:2"), created.revision()));
      waitUntil(WITHIN, "update seen", () -> cache.get(Fixtures.uid("gus") + ".f").equals(Optional.of(updated)));

      assertTrue(await(nodeA.functions().delete(Fixtures.uid("gus"), "f")));
      waitUntil(WITHIN, "delete seen", () -> cache.get(Fixtures.uid("gus") + ".f").isEmpty());
    } finally {
      watch.close();
    }
  }

  @Test
  void aClosedWatchHearsNothingMore() throws Exception {
    Recorder<User> recorder = new Recorder<>();
    AutoCloseable watch = nodeB.users().watch(recorder);
    waitUntil(WITHIN, "caught up", () -> recorder.events.contains("caughtUp"));
    await(nodeA.users().create(Fixtures.user("hank")));
    waitUntil(WITHIN, "put seen", () -> recorder.events.contains("put hank"));

    watch.close();
    await(nodeA.users().create(Fixtures.user("ivan")));
    // A marker written after the put: once another watch sees it, the put was delivered too.
    WatchedCache<User> probe = new WatchedCache<>();
    AutoCloseable second = nodeB.users().watch(probe);
    try {
      waitUntil(WITHIN, "probe sees ivan", () -> probe.get("ivan").isPresent());
    } finally {
      second.close();
    }
    assertFalse(recorder.events.contains("put ivan"), recorder.events.toString());
  }

  @Test
  void anUndecodableEntryIsSkippedAndTheWatchGoesOn() throws Exception {
    WatchedCache<FunctionSpec> cache = new WatchedCache<>();
    AutoCloseable watch = nodeB.functions().watch(cache);
    try {
      waitUntil(WITHIN, "caught up", cache::isCaughtUp);

      nodeA.bucket(Buckets.FUNCTIONS).put(Fixtures.uid("kim") + ".broken", "{not json".getBytes(StandardCharsets.UTF_8));
      Versioned<FunctionSpec> after = await(nodeA.functions().create(function(Fixtures.uid("kim"), "fine", "img:1")));

      waitUntil(WITHIN, "entry after the broken one", () -> cache.get(Fixtures.uid("kim") + ".fine").isPresent());
      assertEquals(Optional.of(after), cache.get(Fixtures.uid("kim") + ".fine"));
      assertEquals(Optional.empty(), cache.get(Fixtures.uid("kim") + ".broken"));
    } finally {
      watch.close();
    }
  }

  /** Records what a watch delivers, in order. */
  static final class Recorder<T> implements ChangeListener<T> {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void put(String key, Versioned<T> entry) {
      events.add("put " + key);
    }

    @Override
    public void removed(String key, long revision) {
      events.add("removed " + key);
    }

    @Override
    public void caughtUp() {
      events.add("caughtUp");
    }
  }
}
