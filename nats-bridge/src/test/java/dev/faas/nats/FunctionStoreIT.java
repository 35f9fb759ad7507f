package dev.faas.nats;

import static dev.faas.nats.Fixtures.await;
import static dev.faas.nats.Fixtures.failure;
import static dev.faas.nats.Fixtures.function;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.StoreException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionStoreIT {
  private BridgeFixture fixture;
  private NatsBridge nodeA;
  private FunctionStore store;
  private FunctionStore otherNode;

  @BeforeAll
  void start() throws Exception {
    fixture = BridgeFixture.started();
    nodeA = fixture.ready("node-a");
    store = nodeA.functions();
    otherNode = fixture.ready("node-b").functions();
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void createsReadsAndRefusesADuplicate() throws Exception {
    FunctionSpec f = function(Fixtures.CAROL, "echo", "echo:1");

    Versioned<FunctionSpec> created = await(store.create(f));
    Optional<Versioned<FunctionSpec>> read = await(otherNode.get(Fixtures.CAROL, "echo"));

    assertTrue(created.revision() > 0);
    assertEquals(Optional.of(created), read);
    failure(store.create(function(Fixtures.CAROL, "echo", "other:2")), StoreException.AlreadyExists.class);
    assertEquals(Optional.empty(), await(store.get(Fixtures.CAROL, "absent")));
  }

  @Test
  void ofTwoConcurrentUpdatesWithTheSameRevisionExactlyOneWins() throws Exception {
    long revision = await(store.create(function(Fixtures.uid("dave"), "race", "v:0"))).revision();
    for (int round = 1; round <= 10; round++) {
      long expected = revision;
      String tag = Integer.toString(round);
      // Both calls are in flight on the blocking pool at once, through two connections.
      CompletableFuture<Versioned<FunctionSpec>> a =
          store.update(function(Fixtures.uid("dave"), "race", "a:" + tag), expected).toCompletableFuture();
      CompletableFuture<Versioned<FunctionSpec>> b =
          otherNode.update(function(Fixtures.uid("dave"), "race", "b:" + tag), expected).toCompletableFuture();

      List<Throwable> failures = failuresOf(a, b);
      assertEquals(1, failures.size(), "round " + round + ": exactly one update must fail");
      assertTrue(failures.get(0) instanceof StoreException.RevisionConflict, failures.toString());
      Versioned<FunctionSpec> winner = a.isCompletedExceptionally() ? b.join() : a.join();
      assertTrue(winner.revision() > expected);
      assertEquals(Optional.of(winner), await(store.get(Fixtures.uid("dave"), "race")));
      revision = winner.revision();
    }
  }

  @Test
  void anUpdateNeedsTheCurrentRevisionOfAnExistingFunction() throws Exception {
    Versioned<FunctionSpec> v1 = await(store.create(function(Fixtures.uid("erin"), "f", "img:1")));
    Versioned<FunctionSpec> v2 = await(store.update(function(Fixtures.uid("erin"), "f", "img:2"), v1.revision()));

    assertNotEquals(v1.revision(), v2.revision());
    failure(store.update(function(Fixtures.uid("erin"), "f", "img:3"), v1.revision()), StoreException.RevisionConflict.class);
    failure(store.update(function(Fixtures.uid("erin"), "missing", "img:1"), 0), StoreException.RevisionConflict.class);
    failure(store.update(function(Fixtures.uid("erin"), "missing", "img:1"), v2.revision()), StoreException.RevisionConflict.class);

    assertTrue(await(store.delete(Fixtures.uid("erin"), "f")));
    failure(store.update(function(Fixtures.uid("erin"), "f", "img:4"), v2.revision()), StoreException.RevisionConflict.class);
    // The delete marker's revision is the only one left for the key: it must not revive it.
    List<KeyValueEntry> history = nodeA.bucket(Buckets.FUNCTIONS).history(Fixtures.uid("erin") + ".f");
    long markerRevision = history.get(history.size() - 1).getRevision();
    assertEquals(KeyValueOperation.DELETE, history.get(history.size() - 1).getOperation());
    failure(store.update(function(Fixtures.uid("erin"), "f", "img:4"), markerRevision), StoreException.RevisionConflict.class);
    assertEquals(Optional.empty(), await(store.get(Fixtures.uid("erin"), "f")));
  }

  @Test
  void deleteSaysWhetherThereWasOneAndOnlyOneConcurrentDeleteWins() throws Exception {
    await(store.create(function(Fixtures.uid("fred"), "gone", "img:1")));

    CompletableFuture<Boolean> a = store.delete(Fixtures.uid("fred"), "gone").toCompletableFuture();
    CompletableFuture<Boolean> b = otherNode.delete(Fixtures.uid("fred"), "gone").toCompletableFuture();

    assertEquals(1, (a.get() ? 1 : 0) + (b.get() ? 1 : 0));
    assertFalse(await(store.delete(Fixtures.uid("fred"), "gone")));
    assertFalse(await(store.delete(Fixtures.uid("fred"), "never")));
    // Deleted names can be registered again.
    assertEquals("img:2", await(store.create(function(Fixtures.uid("fred"), "gone", "img:2"))).value().image());
  }

  @Test
  void listReturnsOnlyTheOwnersFunctionsEvenForAPrefixOwner() throws Exception {
    await(store.create(function(Fixtures.ANN, "one", "img:1")));
    await(store.create(function(Fixtures.ANN, "two", "img:1")));
    await(store.create(function(Fixtures.ANNA, "three", "img:1")));
    await(store.create(function(Fixtures.uid("annb"), "four", "img:1")));
    await(store.create(function(Fixtures.ANN, "gone", "img:1")));
    await(store.delete(Fixtures.ANN, "gone"));

    List<String> ann = names(await(otherNode.list(Fixtures.ANN)));
    List<String> anna = names(await(otherNode.list(Fixtures.ANNA)));

    assertEquals(List.of("one", "two"), ann);
    assertEquals(List.of("three"), anna);
    assertEquals(List.of(), await(store.list(Fixtures.uid("nobody"))));
  }

  @Test
  void listSkipsAnEntryItCannotReadAndReturnsTheRest() throws Exception {
    nodeA.bucket(Buckets.FUNCTIONS).put(Fixtures.OLGA + ".broken", "{oops".getBytes(StandardCharsets.UTF_8));
    await(store.create(function(Fixtures.OLGA, "fine", "img:1")));

    assertEquals(List.of("fine"), names(await(store.list(Fixtures.OLGA))));
  }

  @Test
  void namesOutsideTheGrammarNeverBecomeKeys() {
    assertThrows(IllegalArgumentException.class, () -> store.get(Fixtures.ANN, "a.b"));
    assertThrows(IllegalArgumentException.class, () -> store.get("ann.x", "f"));
    assertThrows(IllegalArgumentException.class, () -> store.list("ann.>"));
    assertThrows(IllegalArgumentException.class, () -> store.list("*"));
    assertThrows(IllegalArgumentException.class, () -> store.create(function(Fixtures.ANN, "F>", "i")));
    assertThrows(IllegalArgumentException.class, () -> store.delete("Ann", "f"));
  }

  private static List<String> names(List<Versioned<FunctionSpec>> fs) {
    return fs.stream().map(v -> v.value().name()).sorted().toList();
  }

  private static List<Throwable> failuresOf(CompletableFuture<?>... futures) {
    List<Throwable> failures = new ArrayList<>();
    for (CompletableFuture<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        failures.add(cause instanceof CompletionException ? cause.getCause() : cause);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    return failures;
  }
}
