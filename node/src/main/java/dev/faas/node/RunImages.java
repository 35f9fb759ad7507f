package dev.faas.node;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.store.WatchedCache;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The images the functions run ({@link FunctionSpec#runImage()}), read from the node's watch-fed
 * cache of all functions: what a worker's image janitor keeps. Empty until the watch has caught
 * up, since an incomplete set would make the images of the functions not seen yet look
 * unreferenced.
 */
final class RunImages implements Supplier<Optional<Set<String>>> {
  private final WatchedCache<FunctionSpec> functions;

  RunImages(WatchedCache<FunctionSpec> functions) {
    this.functions = functions;
  }

  @Override
  public Optional<Set<String>> get() {
    if (!functions.isCaughtUp()) {
      return Optional.empty();
    }
    return Optional.of(
        functions.matching(f -> true).stream()
            .map(entry -> entry.value().runImage())
            .collect(Collectors.toUnmodifiableSet()));
  }
}
