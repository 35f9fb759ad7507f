package dev.faas.cli;

import java.nio.file.Path;

/**
 * One run's view of where it talks to and as whom: the options first, then the environment
 * ({@code FAAS_URL}, {@code FAAS_TOKEN}, {@code FAAS_PROFILE}, {@code FAAS_CA_FILE}), then the
 * profile in the configuration file.
 */
public record Session(
    Path configPath, ConfigFile config, String profileName, String url, String token, Path caFile, boolean insecure) {

  /** Resolves the settings of a run. */
  public static Session resolve(GlobalOptions options, Terminal terminal) {
    Path path = ConfigFile.location(terminal);
    ConfigFile config = ConfigFile.load(path);
    String name = first(options.profile, terminal.getenv("FAAS_PROFILE"), config.current(), ConfigFile.DEFAULT_PROFILE);
    ConfigFile.Profile profile = config.profile(name);
    String url = first(options.url, terminal.getenv("FAAS_URL"), profile.url());
    String token = first(terminal.getenv("FAAS_TOKEN"), profile.token());
    Path caFile =
        options.caFile != null
            ? options.caFile.toAbsolutePath()
            : terminal.getenv("FAAS_CA_FILE") != null
                ? Path.of(terminal.getenv("FAAS_CA_FILE")).toAbsolutePath()
                : profile.caFile() == null ? null : Path.of(profile.caFile());
    return new Session(path, config, name, url, token, caFile, options.insecure);
  }

  /** The profile this run uses, as stored. */
  public ConfigFile.Profile profile() {
    return config.profile(profileName);
  }

  /** The URL, which a command that talks to the platform must have. */
  public String requireUrl() {
    if (url == null) {
      throw CliException.usage(
          "no platform URL: give --url https://HOST:PORT, set FAAS_URL, or log in with --url once (profile '"
              + profileName + "')");
    }
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw CliException.usage("the URL must start with https:// or http://: " + url);
    }
    return url;
  }

  /** A client without credentials (register, login). */
  public ApiClient anonymous() {
    return new ApiClient(Tls.client(caFile, insecure), requireUrl(), null);
  }

  /** A client with the token (or key) of this profile or {@code FAAS_TOKEN}. */
  public ApiClient authenticated() {
    if (token == null) {
      throw new CliException(
          ExitCode.AUTH,
          "not logged in (profile '" + profileName + "'): run 'faas login --user NAME', or set FAAS_TOKEN");
    }
    ConfigFile.Profile stored = profile();
    if (token.equals(stored.token()) && expired(stored.expiresAt())) {
      throw new CliException(
          ExitCode.AUTH,
          "the token of profile '" + profileName + "' expired at " + stored.expiresAt()
              + ": run 'faas login --user " + (stored.user() == null ? "NAME" : stored.user()) + "'");
    }
    return anonymous().withToken(token);
  }

  private static boolean expired(String expiresAt) {
    try {
      return expiresAt != null && java.time.Instant.parse(expiresAt).isBefore(java.time.Instant.now());
    } catch (java.time.format.DateTimeParseException e) {
      return false; // the platform decides
    }
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
