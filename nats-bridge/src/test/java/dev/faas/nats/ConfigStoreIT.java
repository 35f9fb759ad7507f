package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigStoreIT {
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
  void twoNodesStartingTogetherAgreeOnOneValue() throws Exception {
    // Many keys, so that the nodes really do race on some of them.
    for (int i = 0; i < 20; i++) {
      String key = "signing-key-" + i;
      CompletableFuture<byte[]> a =
          nodeA.config().getOrCreate(key, () -> bytes("a")).toCompletableFuture();
      CompletableFuture<byte[]> b =
          nodeB.config().getOrCreate(key, () -> bytes("b")).toCompletableFuture();

      byte[] fromA = a.get();
      byte[] fromB = b.get();

      assertArrayEquals(fromA, fromB, key);
      assertArrayEquals(fromA, await(nodeA.config().getOrCreate(key, () -> bytes("late"))), key);
    }
  }

  @Test
  void anExistingValueIsReturnedWithoutMakingANewOne() throws Exception {
    AtomicInteger made = new AtomicInteger();
    byte[] first = await(nodeA.config().getOrCreate("token.key", () -> bytes("v" + made.incrementAndGet())));
    byte[] second = await(nodeB.config().getOrCreate("token.key", () -> bytes("v" + made.incrementAndGet())));

    assertArrayEquals(bytes("v1"), first);
    assertArrayEquals(first, second);
    assertEquals(1, made.get());
  }

  @Test
  void keysWithWildcardsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> nodeA.config().getOrCreate("a.*", () -> bytes("x")));
    assertThrows(IllegalArgumentException.class, () -> nodeA.config().getOrCreate("a.>", () -> bytes("x")));
    assertThrows(IllegalArgumentException.class, () -> nodeA.config().getOrCreate("", () -> bytes("x")));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
