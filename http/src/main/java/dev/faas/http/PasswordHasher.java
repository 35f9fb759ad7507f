package dev.faas.http;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes and checks passwords with Argon2id (password4j), on an executor of its own: a hash takes
 * tens of milliseconds of CPU and memory, which must never run on the threads serving requests.
 *
 * <p>The work waiting for that executor is bounded: at most {@code maxPending} hashes run or wait
 * at once, and one more fails at once with {@link Busy} (answered 503 {@code platform-busy} with
 * {@code Retry-After}) instead of queueing without end behind a flood of logins, which would make
 * every request wait and hold their memory (issue 13).
 *
 * <p>Hashes are stored as PHC strings ({@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}) that carry
 * their own parameters, so raising the parameters later does not break existing passwords.
 */
public final class PasswordHasher {
  /** OWASP's first recommended Argon2id setting: 19 MiB, two passes, one lane. */
  public static final int DEFAULT_MEMORY_KIB = 19 * 1024;

  /** Passes over memory, with {@link #DEFAULT_MEMORY_KIB}. */
  public static final int DEFAULT_ITERATIONS = 2;

  /** Lanes: one, so a login occupies one core of the hashing dispatcher. */
  public static final int DEFAULT_PARALLELISM = 1;

  /** Hashes running or waiting, node-wide: two running on two threads, sixteen waiting. */
  public static final int DEFAULT_MAX_PENDING = 18;

  /** The failure of a hash or a check refused because {@code maxPending} are already under way. */
  public static final class Busy extends RuntimeException {
    Busy(int maxPending) {
      super("password hashing is at capacity (" + maxPending + " pending)", null, false, false);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(PasswordHasher.class);
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final int ARGON2_VERSION = Argon2Function.ARGON2_VERSION_13;

  private final Argon2Function function;
  private final Executor executor;
  private final String dummyHash;
  private final int maxPending;
  private final Semaphore pending;

  /**
   * Computes one hash on the calling thread (the dummy, see {@link #verify}), so create it once at
   * startup.
   *
   * @param memoryKib Argon2 memory cost in KiB
   * @param iterations Argon2 passes
   * @param parallelism Argon2 lanes
   * @param executor where hashing runs: a dedicated dispatcher for blocking work
   * @param maxPending how many hashes may run or wait for {@code executor} at once: its threads
   *     plus a small queue
   */
  public PasswordHasher(
      int memoryKib, int iterations, int parallelism, Executor executor, int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1");
    }
    this.maxPending = maxPending;
    this.pending = new Semaphore(maxPending);
    this.function =
        Argon2Function.getInstance(
            memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID, ARGON2_VERSION);
    this.executor = executor;
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.dummyHash = hashNow(Base64.getEncoder().encodeToString(random));
  }

  /** A hasher with {@link #DEFAULT_MAX_PENDING}. */
  public PasswordHasher(int memoryKib, int iterations, int parallelism, Executor executor) {
    this(memoryKib, iterations, parallelism, executor, DEFAULT_MAX_PENDING);
  }

  /** A hasher with the default Argon2 parameters. */
  public PasswordHasher(Executor executor, int maxPending) {
    this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM, executor, maxPending);
  }

  /** The encoded Argon2id hash of {@code password}, with a fresh random salt; or {@link Busy}. */
  public CompletionStage<String> hash(String password) {
    return bounded(() -> hashNow(password));
  }

  /**
   * Whether {@code password} matches {@code encodedHash}. When there is no hash (no such user) the
   * password is checked against a dummy hash of the same cost and the answer is false, so an
   * unknown user and a wrong password take about the same time and give the same answer. Fails
   * with {@link Busy} when {@code maxPending} hashes are under way.
   */
  public CompletionStage<Boolean> verify(String password, Optional<String> encodedHash) {
    return bounded(
        () -> {
          boolean matches = checkNow(password, encodedHash.orElse(dummyHash));
          return encodedHash.isPresent() && matches;
        });
  }

  /** {@code work} on the executor if a place is free, its place given back when it is done. */
  private <T> CompletionStage<T> bounded(Supplier<T> work) {
    if (!pending.tryAcquire()) {
      return CompletableFuture.failedFuture(new Busy(maxPending));
    }
    try {
      return CompletableFuture.supplyAsync(work, executor)
          .whenComplete((result, error) -> pending.release());
    } catch (RuntimeException e) {
      pending.release(); // the executor refused the task (shutting down): nothing runs
      return CompletableFuture.failedFuture(e);
    }
  }

  private String hashNow(String password) {
    return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
  }

  private boolean checkNow(String password, String encoded) {
    try {
      return Password.check(password, encoded).with(Argon2Function.getInstanceFromHash(encoded));
    } catch (RuntimeException e) {
      // A stored hash we cannot read is a data problem to look into, but still a failed login.
      log.warn("Stored password hash could not be read: [{}]", e.getClass().getSimpleName());
      return false;
    }
  }
}
