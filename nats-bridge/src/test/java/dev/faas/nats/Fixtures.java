package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Values and future helpers the tests share. */
final class Fixtures {
  // Owners are user ids, never names. ANNA was "anna" beside "ann": a name that starts another's.
  /** A fixed user id standing for the user {@code name}, for tests that name their owners. */
  static String uid(String name) {
    return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }

  static final String ANN = "a0000000-0000-4000-8000-000000000001";
  static final String ANNA = "a0000000-0000-4000-8000-0000000000a1";
  static final String CAROL = "c0000000-0000-4000-8000-000000000003";
  static final String OLGA = "0190a000-0000-4000-8000-000000000004";

  private static final long TIMEOUT_SECONDS = 10;

  private Fixtures() {}

  static FunctionSpec function(String owner, String name, String image) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new FunctionSpec(
        owner, name, image, 30_000, 128, "test", Map.of("A", "1"), InputMode.STDIN, false, now, now);
  }

  static User user(String username) {
    return new User(username, "$argon2id$hash", UUID.randomUUID().toString(), Instant.now());
  }

  /** The stage's value, failing the test if it does not complete within a bound. */
  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The exception the stage failed with, which must be a {@code type}. */
  static <E extends Throwable> E failure(CompletionStage<?> stage, Class<E> type) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    if (!type.isInstance(e.getCause())) {
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + e.getCause(), e);
    }
    return type.cast(e.getCause());
  }
}
