package dev.faas.actors.fakes;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.InputMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Functions and requests for tests. */
public final class Fns {
  /** The user id that owns every function built here (owners are user ids, never names). */
  public static final String OWNER = "0a11ce00-0000-4000-8000-000000000001";

  private Fns() {}

  public static FunctionSpec function(String image, int timeoutMs) {
    return function(image, timeoutMs, InputMode.STDIN);
  }

  public static FunctionSpec function(String image, int timeoutMs, InputMode mode) {
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    return new FunctionSpec(
        OWNER, "fn-" + image.replaceAll("[^a-z0-9]", ""), image, timeoutMs, 64, "",
        Map.of("K", "V"), mode, false, t, t);
  }

  public static ActivationRequest request(String id, FunctionSpec function, byte[] input) {
    Instant now = Instant.now();
    return new ActivationRequest(
        id, function, 7, input, now, now.plus(Duration.ofMinutes(1)), "reply." + id, null, null,
        null);
  }
}
