package dev.faas.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client's configuration file, {@code $XDG_CONFIG_HOME/faas/config} (else {@code
 * ~/.config/faas/config}): YAML with named profiles, each a node's URL and the token of the user
 * logged in there. It holds credentials, so it is written whole to a new file with mode 0600 (in
 * a directory of mode 0700) and moved into place.
 *
 * @param current the profile used when none is named, or null for {@code default}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"current", "profiles"})
public record ConfigFile(String current, Map<String, Profile> profiles) {
  public static final String DEFAULT_PROFILE = "default";

  /** One profile; any field may be null. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"url", "user", "token", "expiresAt", "caFile"})
  public record Profile(String url, String user, String token, String expiresAt, String caFile) {
    public static final Profile EMPTY = new Profile(null, null, null, null, null);

    /** The profile without its credentials (logged out). */
    public Profile loggedOut() {
      return new Profile(url, null, null, null, caFile);
    }
  }

  public ConfigFile {
    profiles = profiles == null ? Map.of() : Map.copyOf(profiles);
  }

  /** Where the file is for this environment. */
  public static Path location(Terminal terminal) {
    String xdg = terminal.getenv("XDG_CONFIG_HOME");
    Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : terminal.home().resolve(".config");
    return base.resolve("faas").resolve("config");
  }

  /** The file's content, or an empty configuration when there is no file yet. */
  public static ConfigFile load(Path file) {
    if (!Files.exists(file)) {
      return new ConfigFile(null, Map.of());
    }
    try {
      ConfigFile read = Json.yaml().readValue(file.toFile(), ConfigFile.class);
      return read == null ? new ConfigFile(null, Map.of()) : read;
    } catch (IOException e) {
      throw CliException.usage("cannot read the configuration " + file + ": " + e.getMessage());
    }
  }

  /** The profile of that name, empty when there is none. */
  public Profile profile(String name) {
    return profiles.getOrDefault(name, Profile.EMPTY);
  }

  /** This configuration with {@code name} set to {@code profile}, and made the current one. */
  public ConfigFile with(String name, Profile profile) {
    Map<String, Profile> all = new TreeMap<>(profiles);
    all.put(name, profile);
    return new ConfigFile(name, all);
  }

  /** Writes it to {@code file}, readable and writable by the user alone. */
  public void save(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectories(dir.getParent());
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
          // made meanwhile by another run
        }
      }
      Path temp =
          Files.createTempFile(
              dir, ".config", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
          Json.yaml().writeValue(out, this);
        }
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.ERROR, "cannot write the configuration " + file + ": " + e.getMessage(), e);
    }
  }
}
