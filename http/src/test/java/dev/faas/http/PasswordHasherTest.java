package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.Executor;
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

  private boolean verify(String password, Optional<String> hash) {
    return hasher.verify(password, hash).toCompletableFuture().join();
  }
}
