package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.Fixtures.function;
import static dev.faas.nats.Fixtures.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.store.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserStoreIT {
  private static final int REGISTRANTS = 16;

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
  void ofSixteenConcurrentRegistrationsOfOneNameExactlyOneSucceeds() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(REGISTRANTS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Versioned<User>>> attempts = new ArrayList<>();
      for (int i = 0; i < REGISTRANTS; i++) {
        UserStore store = i % 2 == 0 ? nodeA.users() : nodeB.users();
        User candidate = user("zoe");
        attempts.add(
            CompletableFuture.supplyAsync(
                    () -> {
                      awaitQuietly(go);
                      return store.create(candidate);
                    },
                    callers)
                .thenCompose(stage -> stage));
      }
      go.countDown();

      List<Versioned<User>> winners = new ArrayList<>();
      int conflicts = 0;
      for (CompletableFuture<Versioned<User>> attempt : attempts) {
        try {
          winners.add(attempt.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
          assertTrue(cause instanceof StoreException.AlreadyExists, cause.toString());
          conflicts++;
        }
      }

      assertEquals(1, winners.size());
      assertEquals(REGISTRANTS - 1, conflicts);
      assertEquals(Optional.of(winners.get(0)), await(nodeA.users().get("zoe")));
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void deletingAUserLeavesTheirFunctionsAndFreesTheName() throws Exception {
    User first = user("yann");
    await(nodeA.users().create(first));
    await(nodeA.functions().create(function(Fixtures.uid("yann"), "keep", "img:1")));

    await(nodeB.users().delete("yann"));
    await(nodeB.users().delete("yann"));

    assertEquals(Optional.empty(), await(nodeA.users().get("yann")));
    assertEquals(1, await(nodeA.functions().list(Fixtures.uid("yann"))).size());
    User second = user("yann");
    assertEquals(second, await(nodeA.users().create(second)).value());
    failure(nodeB.users().create(user("yann")), StoreException.AlreadyExists.class);
  }

  @Test
  void invalidUsernamesNeverBecomeKeys() {
    assertThrows(IllegalArgumentException.class, () -> nodeA.users().get("a.b.c"));
    assertThrows(IllegalArgumentException.class, () -> nodeA.users().get(">"));
    assertThrows(IllegalArgumentException.class, () -> nodeA.users().create(user("x")));
    assertThrows(IllegalArgumentException.class, () -> nodeA.users().delete(null));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
