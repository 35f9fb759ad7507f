package dev.faas.actors.model;

/**
 * The parts of a validated image reference ({@code [host[:port]/]path[:tag][@digest]}), split as
 * the engine and registries read them.
 */
public final class ImageNames {
  /** The registry a reference without a host names, as the engine reads it. */
  public static final String DEFAULT_HOST = "docker.io";

  private ImageNames() {}

  /** The reference without its tag and digest: {@code host:5000/team/fn:1@sha256:..} → {@code host:5000/team/fn}. */
  public static String repository(String reference) {
    int at = reference.indexOf('@');
    String name = at >= 0 ? reference.substring(0, at) : reference;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  /** The tag, or {@code latest} when there is none (and no digest decides). */
  public static String tag(String reference) {
    int at = reference.indexOf('@');
    String name = at >= 0 ? reference.substring(0, at) : reference;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "latest";
  }

  /** The digest a reference is pinned by ({@code sha256:...}), or null. */
  public static String digest(String reference) {
    int at = reference.indexOf('@');
    return at >= 0 ? reference.substring(at + 1) : null;
  }

  /**
   * The registry host: the first path component when it looks like a host (has a dot or a
   * port, or is {@code localhost}), else {@link #DEFAULT_HOST}.
   */
  public static String host(String reference) {
    String repository = repository(reference);
    int slash = repository.indexOf('/');
    if (slash < 0) {
      return DEFAULT_HOST;
    }
    String first = repository.substring(0, slash);
    boolean isHost =
        first.contains(".") || first.contains(":") || first.equals("localhost")
            || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
    return isHost ? first : DEFAULT_HOST;
  }

  /**
   * The repository's path within its registry: {@code host:5000/team/fn} → {@code team/fn};
   * on the default registry a one-component name is under {@code library/}.
   */
  public static String path(String reference) {
    String repository = repository(reference);
    String host = host(reference);
    String path =
        repository.startsWith(host + "/") ? repository.substring(host.length() + 1) : repository;
    return host.equals(DEFAULT_HOST) && !path.contains("/") ? "library/" + path : path;
  }

  /**
   * A repository as the engine prints it: {@code docker.io/library/busybox} and {@code
   * library/busybox} are {@code busybox}, {@code docker.io/team/fn} is {@code team/fn}.
   */
  public static String familiar(String repository) {
    String name = repository;
    if (name.startsWith(DEFAULT_HOST + "/")) {
      name = name.substring(DEFAULT_HOST.length() + 1);
    }
    if (name.startsWith("library/") && name.indexOf('/', "library/".length()) < 0) {
      name = name.substring("library/".length());
    }
    return name;
  }
}
