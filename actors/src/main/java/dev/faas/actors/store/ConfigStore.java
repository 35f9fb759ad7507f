package dev.faas.actors.store;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Cluster-wide settings that must be the same on every node, such as the token signing key. */
public interface ConfigStore {

  /**
   * The value under {@code key}; when there is none, stores {@code initial} with create-if-absent
   * and returns whichever value won, so concurrent first starts of several nodes agree.
   */
  CompletionStage<byte[]> getOrCreate(String key, Supplier<byte[]> initial);
}
