package dev.faas.nats;

import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionId;
import dev.faas.actors.model.Names;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds bucket keys only from names the API grammar allows. A key is also a NATS subject, so a
 * name with a dot or a wildcard would reach into another user's keys: it never gets that far.
 */
final class Keys {
  // Dot-separated tokens of the characters NATS KV allows in a key, no wildcards.
  private static final Pattern CONFIG_KEY = Pattern.compile("^[A-Za-z0-9_=-]+(\\.[A-Za-z0-9_=-]+)*$");

  private static final Base64.Encoder HOST_ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder HOST_DECODER = Base64.getUrlDecoder();

  private Keys() {}

  /**
   * The key of a user record: the username (the users bucket is the only one keyed by name).
   *
   * @throws IllegalArgumentException when {@code username} is not a valid username
   */
  static String user(String username) {
    if (!Names.isUsername(username)) {
      throw new IllegalArgumentException("invalid username: " + username);
    }
    return username;
  }

  /**
   * The first token of every key of a user's data: the user id, never the name, so a name
   * registered again reaches nothing of the user deleted before.
   *
   * @throws IllegalArgumentException when {@code userId} is not a user id ({@link
   *     Names#isUserId})
   */
  static String owner(String userId) {
    if (!Names.isUserId(userId)) {
      throw new IllegalArgumentException("invalid user id: " + userId);
    }
    return userId;
  }

  /**
   * {@code <owner>.<name>}.
   *
   * @throws IllegalArgumentException when either part is invalid
   */
  static String function(String owner, String name) {
    return new FunctionId(owner(owner), name).key();
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
    return owner(owner) + "." + activationId;
  }

  /**
   * Every key of {@code owner}'s functions (or activations). The trailing token wildcard matches whole tokens
   * only, so {@code <id>.>} never matches a key of an id that merely starts the same.
   */
  static String ownerFilter(String owner) {
    return owner(owner) + ".>";
  }

  /**
   * {@code <owner>.<host>} with the host in base64url without padding: a host has dots (which
   * would split the key into tokens) and maybe a colon or brackets (not allowed in a key), and
   * the encoding keeps it reversible for {@link #registryHost}.
   *
   * @throws IllegalArgumentException when the owner or the host is invalid
   */
  static String registry(String owner, String host) {
    if (!Names.isRegistryHost(host)) {
      throw new IllegalArgumentException("invalid registry host: " + host);
    }
    return owner(owner) + "." + HOST_ENCODER.encodeToString(host.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The host of a key {@link #registry} built; empty for a key it cannot have built (written by
   * hand, or by a newer node with another scheme).
   */
  static Optional<String> registryHost(String key) {
    int dot = key.indexOf('.');
    if (dot < 0 || key.indexOf('.', dot + 1) >= 0) {
      return Optional.empty();
    }
    try {
      String host =
          new String(HOST_DECODER.decode(key.substring(dot + 1)), StandardCharsets.UTF_8);
      return Names.isRegistryHost(host) ? Optional.of(host) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code <owner>.<id>} of an API key, the owner a user id like every other key of a user's data.
   *
   * @throws IllegalArgumentException when the owner or the id is invalid
   */
  static String apiKey(String owner, String id) {
    return owner(owner) + "." + apiKeyId(id);
  }

  /**
   * Every key of the API key {@code id}, whoever owns it: {@code *.<id>}.
   *
   * @throws IllegalArgumentException when the id is invalid
   */
  static String apiKeyFilter(String id) {
    return "*." + apiKeyId(id);
  }

  /** @throws IllegalArgumentException when {@code id} is not an API key id */
  static String apiKeyId(String id) {
    if (!ApiKey.isId(id)) {
      throw new IllegalArgumentException("invalid API key id: " + id);
    }
    return id;
  }

  /** @throws IllegalArgumentException when {@code key} is not a plain key */
  static String config(String key) {
    if (key == null || key.length() > 256 || !CONFIG_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid config key: " + key);
    }
    return key;
  }
}
