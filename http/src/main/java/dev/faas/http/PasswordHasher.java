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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes and checks passwords with Argon2id (password4j), on an executor of its own: a hash takes
 * tens of milliseconds of CPU and memory, which must never run on the threads serving requests.
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

  private static final Logger log = LoggerFactory.getLogger(PasswordHasher.class);
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final int ARGON2_VERSION = Argon2Function.ARGON2_VERSION_13;

  private final Argon2Function function;
  private final Executor executor;
  private final String dummyHash;

  /**
   * Computes one hash on the calling thread (the dummy, see {@link #verify}), so create it once at
   * startup.
   *
   * @param memoryKib Argon2 memory cost in KiB
   * @param iterations Argon2 passes
   * @param parallelism Argon2 lanes
   * @param executor where hashing runs: a dedicated dispatcher for blocking work
   */
  public PasswordHasher(int memoryKib, int iterations, int parallelism, Executor executor) {
    this.function =
        Argon2Function.getInstance(
            memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID, ARGON2_VERSION);
    this.executor = executor;
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.dummyHash = hashNow(Base64.getEncoder().encodeToString(random));
  }

  /** A hasher with the default parameters. */
  public PasswordHasher(Executor executor) {
    this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM, executor);
  }

  /** The encoded Argon2id hash of {@code password}, with a fresh random salt. */
  public CompletionStage<String> hash(String password) {
    return CompletableFuture.supplyAsync(() -> hashNow(password), executor);
  }

  /**
   * Whether {@code password} matches {@code encodedHash}. When there is no hash (no such user) the
   * password is checked against a dummy hash of the same cost and the answer is false, so an
   * unknown user and a wrong password take about the same time and give the same answer.
   */
  public CompletionStage<Boolean> verify(String password, Optional<String> encodedHash) {
    return CompletableFuture.supplyAsync(
        () -> {
          boolean matches = checkNow(password, encodedHash.orElse(dummyHash));
          return encodedHash.isPresent() && matches;
        },
        executor);
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
