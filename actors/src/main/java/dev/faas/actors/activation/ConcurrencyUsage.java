package dev.faas.actors.activation;

import java.util.concurrent.CompletionStage;

/** What a user holds of their concurrency limit now, across the cluster. */
@FunctionalInterface
public interface ConcurrencyUsage {
  /** How many activations of {@code owner} hold a place of their limit now (running or queued). */
  CompletionStage<Integer> held(String owner);
}
