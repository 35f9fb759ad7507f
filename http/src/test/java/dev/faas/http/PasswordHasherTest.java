package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordHasherTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final AtomicInteger tasks = new AtomicInteger();
  private final Executor counting =
      task -> {
        tasks.incrementAndGet();
        pool.execute(task);
      };
  private final PasswordHasher hasher = new PasswordHasher(64, 1, 1, counting);

  @AfterAll
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void hashIsArgon2idWithItsParameters() {
    String hash = hasher.hash("secret-password").toCompletableFuture().join();
    assertTrue(hash.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hash);
    assertFalse(hash.contains("secret-password"));
  }

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = hasher.hash("secret-password").toCompletableFuture().join();
    assertTrue(verify("secret-password", Optional.of(hash)));
    assertFalse(verify("secret-passwore", Optional.of(hash)));
    assertFalse(verify("", Optional.of(hash)));
  }

  @Test
  void saltsEveryHash() {
    assertNotEquals(
        hasher.hash("same-password").toCompletableFuture().join(),
        hasher.hash("same-password").toCompletableFuture().join());
  }

  @Test
  void unknownUserIsFalseEvenForTheDummysPassword() {
    assertFalse(verify("anything-at-all", Optional.empty()));
  }

  @Test
  void unreadableStoredHashIsFalse() {
    assertFalse(verify("secret-password", Optional.of("not a hash")));
  }

  @Test
  void hashesWithOtherParametersStillVerify() {
    String older =
        new PasswordHasher(32, 2, 1, Runnable::run).hash("pw-123456").toCompletableFuture().join();
    assertTrue(verify("pw-123456", Optional.of(older)));
  }

  @Test
  void runsOnTheGivenExecutor() {
    int before = tasks.get();
    hasher.hash("secret-password").toCompletableFuture().join();
    verify("secret-password", Optional.empty());
    assertEquals(before + 2, tasks.get());
  }

  @Test
  void refusesAtOnceBeyondItsPendingBoundAndGivesPlacesBack() {
    HeldExecutor held = new HeldExecutor(pool);
    PasswordHasher bounded = new PasswordHasher(64, 1, 1, held, 2);
    held.hold();
    CompletableFuture<String> first = bounded.hash("secret-password").toCompletableFuture();
    CompletableFuture<Boolean> second =
        bounded.verify("secret-password", Optional.empty()).toCompletableFuture();
    CompletableFuture<String> third = bounded.hash("secret-password").toCompletableFuture();
    CompletableFuture<Boolean> fourth =
        bounded.verify("secret-password", Optional.empty()).toCompletableFuture();
    assertTrue(third.isCompletedExceptionally(), "refused without waiting");
    assertTrue(fourth.isCompletedExceptionally(), "refused without waiting");
    CompletionException busy = assertThrows(CompletionException.class, third::join);
    assertInstanceOf(PasswordHasher.Busy.class, busy.getCause());
    assertEquals(2, held.waiting());

    held.release();
    assertTrue(first.join().startsWith("$argon2id$"));
    assertFalse(second.join());
    assertTrue(bounded.hash("secret-password").toCompletableFuture().join().startsWith("$argon2id$"));
  }

  @Test
  void aFailedHashGivesItsPlaceBack() {
    Executor refusing =
        task -> {
          throw new RejectedExecutionException("shutting down");
        };
    PasswordHasher bounded = new PasswordHasher(64, 1, 1, pool, 1);
    PasswordHasher closed = new PasswordHasher(64, 1, 1, refusing, 1);
    for (int i = 0; i < 3; i++) {
      CompletionException refused =
          assertThrows(
              CompletionException.class,
              () -> closed.hash("secret-password").toCompletableFuture().join());
      assertInstanceOf(RejectedExecutionException.class, refused.getCause(), "not Busy: " + i);
      // An unreadable hash makes the check fail inside; the place still comes back.
      assertFalse(bounded.verify("secret-password", Optional.of("not a hash")).toCompletableFuture().join());
    }
  }

  private boolean verify(String password, Optional<String> hash) {
    return hasher.verify(password, hash).toCompletableFuture().join();
  }
}
