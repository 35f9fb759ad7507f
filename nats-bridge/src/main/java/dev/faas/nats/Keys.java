package dev.faas.nats;

import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.Names;
import java.util.regex.Pattern;

/**
 * Builds bucket keys only from names the API grammar allows. A key is also a NATS subject, so a
 * name with a dot or a wildcard would reach into another user's keys: it never gets that far.
 */
final class Keys {
  // Dot-separated tokens of the characters NATS KV allows in a key, no wildcards.
  private static final Pattern CONFIG_KEY = Pattern.compile("^[A-Za-z0-9_=-]+(\\.[A-Za-z0-9_=-]+)*$");

  private Keys() {}

  /** @throws IllegalArgumentException when {@code username} is not a valid username */
  static String user(String username) {
    if (!Names.isUsername(username)) {
      throw new IllegalArgumentException("invalid username: " + username);
    }
    return username;
  }

  /**
   * {@code <owner>.<name>}.
   *
   * @throws IllegalArgumentException when either part is invalid
   */
  static String function(String owner, String name) {
    return new FunctionId(user(owner), name).key();
  }

  /**
   * {@code <owner>.<activationId>}.
   *
   * @throws IllegalArgumentException when either part is invalid
   */
  static String activation(String owner, String activationId) {
    if (!Names.isActivationId(activationId)) {
      throw new IllegalArgumentException("invalid activation id: " + activationId);
    }
    return user(owner) + "." + activationId;
  }

  /**
   * Every key of {@code owner}'s functions (or activations). The trailing token wildcard matches whole tokens
   * only, so {@code ann.>} never matches {@code anna.f}.
   */
  static String ownerFilter(String owner) {
    return user(owner) + ".>";
  }

  /** @throws IllegalArgumentException when {@code key} is not a plain key */
  static String config(String key) {
    if (key == null || key.length() > 256 || !CONFIG_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid config key: " + key);
    }
    return key;
  }
}
