package dev.faas.actors.model;

import java.util.regex.Pattern;

/**
 * The name grammars of the API. Every name is checked here before it reaches a store key or
 * a Docker call, so a key can never be built from something the grammar does not allow.
 */
public final class Names {
  private static final Pattern USERNAME = Pattern.compile("^[a-z][a-z0-9_-]{2,31}$");
  private static final Pattern FUNCTION = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final Pattern ACTIVATION_ID = Pattern.compile("^[a-z0-9]{8,64}$");
  // The canonical form of a random UUID, as registration makes it: no dot, no wildcard, and never
  // a username (36 characters, a username has at most 32), so the two key spaces cannot meet.
  private static final Pattern USER_ID =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  // The Docker reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest].
  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*" + "|\\[[a-fA-F0-9:]+\\])"
          + "(?::[0-9]+)?";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern IMAGE =
      Pattern.compile(
          "^(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*"
              + "(?::" + TAG + ")?" + "(?:@" + DIGEST + ")?$");
  private static final int MAX_IMAGE_LENGTH = 255;
  private static final Pattern REGISTRY_HOST = Pattern.compile("^" + DOMAIN + "$");
  private static final int MAX_REGISTRY_HOST_LENGTH = 255;
  /**
   * What the engine would take for an image id rather than a name: a bare run of hex digits (the
   * engine looks a name without tag, digest or registry up as an id prefix when no image has that
   * name) or {@code sha256:<hex>}.
   */
  private static final Pattern IMAGE_ID = Pattern.compile("^(?:sha256:)?[0-9a-f]+$");

  private Names() {}

  public static boolean isUsername(String s) {
    return s != null && USERNAME.matcher(s).matches();
  }

  /**
   * True when {@code s} is a user id: what every piece of a user's data is keyed by (the owner of
   * functions, activation records, registry credentials), so that a name registered again after
   * its user was deleted starts with nothing.
   */
  public static boolean isUserId(String s) {
    return s != null && USER_ID.matcher(s).matches();
  }

  public static boolean isFunctionName(String s) {
    return s != null && FUNCTION.matcher(s).matches();
  }

  public static boolean isActivationId(String s) {
    return s != null && ACTIVATION_ID.matcher(s).matches();
  }

  /**
   * True when {@code s} could name an image by its id or an id prefix ({@code 4a8f},
   * {@code sha256:4a8f...}): the engine would run whatever local image that id starts, so such a
   * reference is never accepted. A name that is all hex digits is still a name with a tag
   * ({@code cafe:1}).
   */
  public static boolean isImageId(String s) {
    return s != null && IMAGE_ID.matcher(s).matches();
  }

  /** True when {@code s} is a Docker image reference by the reference grammar. */
  public static boolean isImageReference(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_IMAGE_LENGTH) {
      return false;
    }
    if (!IMAGE.matcher(s).matches()) {
      return false;
    }
    // The repository part (without domain, tag, digest) must be lower case; the regex already
    // enforces that for path components. A domain-looking first part is only a domain when it
    // has a dot, a colon or is localhost, which the grammar accepts either way.
    return true;
  }

  /**
   * True when {@code s} is a registry host, {@code host[:port]}, as the first part of an image
   * reference names it: the reference grammar's domain, and one the engine takes for a registry
   * rather than for a path component, so with a dot, a port, {@code localhost} or an IPv6 address
   * ({@code docker.io}, {@code registry.example:5000}, {@code localhost:5000}, {@code [::1]:5000}).
   * Credentials stored for a host no reference can name would never be used.
   */
  public static boolean isRegistryHost(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_REGISTRY_HOST_LENGTH) {
      return false;
    }
    if (!REGISTRY_HOST.matcher(s).matches()) {
      return false;
    }
    return s.indexOf('.') >= 0
        || s.indexOf(':') >= 0
        || s.startsWith("[")
        || s.equals("localhost");
  }

  public static boolean isPassword(String s) {
    return s != null && s.length() >= 8 && s.length() <= 128;
  }
}
