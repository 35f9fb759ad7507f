package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.Fixtures.function;
import static dev.faas.nats.Fixtures.user;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.WatchedCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestartIT {
  private static final Duration RECONNECT_WITHIN = Duration.ofSeconds(15);
  private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);

  private BridgeFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = BridgeFixture.started();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void theBridgeComesBackByItselfAfterTheServerRestartsAndItsWatchGoesOn() throws Exception {
    NatsBridge writer = fixture.ready("writer");
    NatsBridge watcher = fixture.ready("watcher");
    Versioned<User> user = await(writer.users().create(user("lena")));
    Versioned<FunctionSpec> fn = await(writer.functions().create(function(Fixtures.uid("lena"), "f", "img:1")));
    byte[] key = await(writer.config().getOrCreate("signing", () -> bytes("secret")));
    WatchedCache<FunctionSpec> cache = new WatchedCache<>();
    AutoCloseable watch = watcher.functions().watch(cache);
    waitUntil(SEEN_WITHIN, "watch caught up", () -> cache.get(Fixtures.uid("lena") + ".f").isPresent());

    fixture.server.stop();
    waitUntil(RECONNECT_WITHIN, "writer not ready", () -> !writer.isReady());
    waitUntil(RECONNECT_WITHIN, "watcher not ready", () -> !watcher.isReady());
    failure(writer.functions().get(Fixtures.uid("lena"), "f"), StoreException.Unavailable.class);

    fixture.server.startAgain();
    waitUntil(RECONNECT_WITHIN, "writer ready again", writer::isReady);
    waitUntil(RECONNECT_WITHIN, "watcher ready again", watcher::isReady);

    assertEquals(Optional.of(user), await(writer.users().get("lena")));
    assertEquals(Optional.of(fn), await(watcher.functions().get(Fixtures.uid("lena"), "f")));
    assertArrayEquals(key, await(watcher.config().getOrCreate("signing", () -> bytes("other"))));
    Versioned<FunctionSpec> updated =
        await(writer.functions().update(function(Fixtures.uid("lena"), "f", "img:2"), fn.revision()));
    Versioned<FunctionSpec> created = await(writer.functions().create(function(Fixtures.uid("lena"), "g", "img:1")));

    waitUntil(SEEN_WITHIN, "update after restart seen", () -> cache.get(Fixtures.uid("lena") + ".f").equals(Optional.of(updated)));
    waitUntil(SEEN_WITHIN, "create after restart seen", () -> cache.get(Fixtures.uid("lena") + ".g").equals(Optional.of(created)));
    watch.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
