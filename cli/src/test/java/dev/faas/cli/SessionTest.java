package dev.faas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a run's URL, token and profile come from: options, then environment, then the file. */
class SessionTest {
  @TempDir Path home;

  private Terminal terminal(Map<String, String> env) {
    return new Terminal(env, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new PrintStream(new ByteArrayOutputStream()), null, home);
  }

  private void saveProfiles() {
    new ConfigFile(null, Map.of())
        .with("prod", new ConfigFile.Profile("https://prod:8443", "bob", "prod-token", null, null))
        .with("dev", new ConfigFile.Profile("https://dev:8443", "alice", "dev-token", null, "/etc/dev.pem"))
        .save(home.resolve(".config/faas/config"));
  }

  @Test
  void theCurrentProfileUnlessOneIsNamedAndTheEnvironmentOverTheFile() {
    saveProfiles();
    GlobalOptions none = new GlobalOptions();
    Session current = Session.resolve(none, terminal(Map.of()));
    assertEquals("dev", current.profileName(), "the last logged in to");
    assertEquals("https://dev:8443", current.url());
    assertEquals("dev-token", current.token());
    assertEquals(Path.of("/etc/dev.pem"), current.caFile());

    Session named = Session.resolve(none, terminal(Map.of("FAAS_PROFILE", "prod")));
    assertEquals("prod-token", named.token());

    GlobalOptions url = new GlobalOptions();
    url.url = "https://other:1";
    url.profile = "prod";
    Session overridden = Session.resolve(url, terminal(Map.of("FAAS_URL", "https://env:2", "FAAS_TOKEN", "env-token")));
    assertEquals("https://other:1", overridden.url());
    assertEquals("env-token", overridden.token());
    assertEquals("https://env:2", Session.resolve(none, terminal(Map.of("FAAS_URL", "https://env:2"))).url());
  }

  @Test
  void xdgConfigHomeMovesTheFileAndNothingConfiguredIsAUsageError() {
    Path xdg = home.resolve("elsewhere");
    assertEquals(xdg.resolve("faas/config"), ConfigFile.location(terminal(Map.of("XDG_CONFIG_HOME", xdg.toString()))));
    assertEquals(home.resolve(".config/faas/config"), ConfigFile.location(terminal(Map.of("XDG_CONFIG_HOME", "relative"))));
    Session empty = Session.resolve(new GlobalOptions(), terminal(Map.of()));
    assertEquals("default", empty.profileName());
    assertNull(empty.token());
    assertEquals(ExitCode.USAGE, assertThrows(CliException.class, empty::requireUrl).exitCode());
    assertEquals(ExitCode.AUTH, assertThrows(CliException.class, () -> Session.resolve(new GlobalOptions(), terminal(Map.of("FAAS_URL", "https://x:1"))).authenticated()).exitCode());
  }

  @Test
  void aStoredTokenPastItsExpiryIsRefusedWithoutAsking() {
    new ConfigFile(null, Map.of())
        .with("old", new ConfigFile.Profile("https://x:1", "bob", "t", "2020-01-01T00:00:00Z", null))
        .save(home.resolve(".config/faas/config"));
    CliException e = assertThrows(CliException.class, () -> Session.resolve(new GlobalOptions(), terminal(Map.of())).authenticated());
    assertEquals(ExitCode.AUTH, e.exitCode());
    assertEquals("the token of profile 'old' expired at 2020-01-01T00:00:00Z: run 'faas login --user bob'", e.getMessage());
    // FAAS_TOKEN is not the stored token: the platform judges it.
    Session.resolve(new GlobalOptions(), terminal(Map.of("FAAS_TOKEN", "other"))).authenticated();
  }
}
