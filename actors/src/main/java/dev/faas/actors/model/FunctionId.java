package dev.faas.actors.model;

import java.util.Optional;

/**
 * A function's identity: its owner (the owner's user id, {@link Names#isUserId}) and its name. Its {@link #key() key} {@code <owner>.<name>} is
 * what the store, the pool's invalidations and the workers' announcements name a function by;
 * built and parsed only here. Neither part can contain a '.' (see {@link Names}), so the key
 * splits back unambiguously.
 */
public record FunctionId(String owner, String name) {

  public FunctionId {
    if (!Names.isUserId(owner)) {
      throw new IllegalArgumentException("invalid owner: " + owner);
    }
    if (!Names.isFunctionName(name)) {
      throw new IllegalArgumentException("invalid function name: " + name);
    }
  }

  /** {@code <owner>.<name>}. */
  public String key() {
    return key(owner, name);
  }

  /**
   * The key of the function {@code owner}/{@code name}, both already checked (a stored function's):
   * built without checking them again, as it is on every activation's way.
   */
  static String key(String owner, String name) {
    return owner + "." + name;
  }

  /** The function a {@link #key()} names; empty for anything that is not one. */
  public static Optional<FunctionId> parse(String key) {
    int dot = key == null ? -1 : key.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String owner = key.substring(0, dot);
    String name = key.substring(dot + 1);
    return Names.isUserId(owner) && Names.isFunctionName(name)
        ? Optional.of(new FunctionId(owner, name))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return key();
  }
}
