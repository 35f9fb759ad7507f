package dev.faas.http;

import dev.faas.actors.activation.ConcurrencyUsage;
import dev.faas.actors.model.User;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's limits and what they use of them, for {@code GET /v1/users/me}: functions counted on
 * this node's cache, concurrent activations asked of the activation queue (the permits the user
 * holds across the cluster).
 */
final class UserLimits {
  private static final Logger log = LoggerFactory.getLogger(UserLimits.class);
  private static final Duration USAGE_DEADLINE = Duration.ofSeconds(5);

  private final Views.Amounts limits;
  private final ConcurrencyUsage usage;
  private final Lookups lookups;

  UserLimits(HttpSettings settings, ConcurrencyUsage usage, Lookups lookups) {
    this.limits =
        new Views.Amounts(settings.maxConcurrentPerUser(), settings.maxFunctionsPerUser());
    this.usage = usage;
    this.lookups = lookups;
  }

  /** {@code user} with limits and usage; usage is left out when the queue does not answer. */
  CompletionStage<Views.MeView> view(User user) {
    int functions = lookups.functionsOf(user.userId()).size();
    return usage
        .held(user.userId())
        .toCompletableFuture()
        .orTimeout(USAGE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (held, failure) -> {
              if (failure != null) {
                log.warn("Concurrency usage of [{}] unknown: [{}]", user.username(),
                    failure.toString());
              }
              return new Views.MeView(
                  user.username(),
                  user.createdAt(),
                  limits,
                  failure == null ? new Views.Amounts(held, functions) : null);
            });
  }
}
