package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.Fixtures.function;
import static dev.faas.nats.WaitUntil.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.WatchedCache;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupIT {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @Test
  void aNodeStartedBeforeNatsConnectsOnceNatsComesUp() throws Exception {
    try (BridgeFixture fixture = new BridgeFixture(NatsTestServer.notStarted())) {
      long before = System.nanoTime();
      NatsBridge early = fixture.connect("early");
      WatchedCache<FunctionSpec> cache = new WatchedCache<>();
      AutoCloseable watch = early.functions().watch(cache);

      assertFalse(early.isReady());
      // Answers at once, not after a request timeout.
      failure(early.functions().get(Fixtures.uid("mia"), "f"), StoreException.Unavailable.class);
      assertEquals(true, System.nanoTime() - before < Duration.ofSeconds(1).toNanos());

      fixture.server.startAgain();
      waitUntil(WITHIN, "ready once NATS is up", early::isReady);
      Versioned<FunctionSpec> created = await(early.functions().create(function(Fixtures.uid("mia"), "f", "img:1")));

      waitUntil(WITHIN, "watch made before the connection works", () -> cache.get(Fixtures.uid("mia") + ".f").equals(Optional.of(created)));
      watch.close();
    }
  }

  @Test
  void closingANodeThatNeverConnectedStopsItsAttempts() throws Exception {
    try (BridgeFixture fixture = new BridgeFixture(NatsTestServer.notStarted())) {
      NatsBridge bridge = fixture.connect("abandoned");
      bridge.close();

      fixture.server.startAgain();
      NatsBridge other = fixture.ready("other");

      assertFalse(bridge.isReady());
      failure(bridge.users().get("nina"), StoreException.Unavailable.class);
      assertEquals(Optional.empty(), await(other.users().get("nina")));
    }
  }
}
