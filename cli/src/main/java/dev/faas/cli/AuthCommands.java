package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Registering, logging in and out, and who the profile is logged in as. */
final class AuthCommands {
  private AuthCommands() {}

  private static ObjectNode credentials(String user, String password) {
    return Json.object().put("username", user).put("password", password);
  }

  @Command(
      name = "register",
      description = "Register a new user, then log in as them.",
      mixinStandardHelpOptions = true)
  static final class Register extends ApiCommand {
    @Option(names = {"-u", "--user"}, required = true, paramLabel = "USER", description = "The username.")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Override
    protected int run() {
      Session session = session();
      String password = Secrets.password(terminal(), passwordStdin, "Password for " + user, true);
      ApiClient api = session.anonymous();
      JsonNode created = ApiClient.expect(api.send("POST", "/v1/users", credentials(user, password), Map.of())).json();
      Login.logIn(session, api, user, password);
      output().result(created, "Registered " + user + " and logged in (profile '" + session.profileName() + "').");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "login",
      description = "Log in and keep the token in the configuration file (profile: --profile).",
      mixinStandardHelpOptions = true)
  static final class Login extends ApiCommand {
    @Option(names = {"-u", "--user"}, required = true, paramLabel = "USER", description = "The username.")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Override
    protected int run() {
      Session session = session();
      String password = Secrets.password(terminal(), passwordStdin, "Password for " + user, false);
      JsonNode token = logIn(session, session.anonymous(), user, password);
      ObjectNode shown = Json.object().put("username", user).put("profile", session.profileName()).put("url", session.url());
      shown.set("expiresAt", token.get("expiresAt"));
      output().result(shown, "Logged in as " + user + " at " + session.url() + " (profile '" + session.profileName()
          + "', token valid until " + token.path("expiresAt").asText() + ").");
      return ExitCode.OK;
    }

    /** Exchanges the password for a token and keeps it in the session's profile. */
    static JsonNode logIn(Session session, ApiClient api, String user, String password) {
      JsonNode token = ApiClient.expect(api.send("POST", "/v1/tokens", credentials(user, password), Map.of())).json();
      ConfigFile.Profile profile =
          new ConfigFile.Profile(
              session.requireUrl(),
              user,
              token.path("token").asText(),
              token.path("expiresAt").asText(null),
              session.caFile() == null ? null : session.caFile().toString());
      session.config().with(session.profileName(), profile).save(session.configPath());
      return token;
    }
  }

  @Command(name = "logout", description = "Forget the profile's token.", mixinStandardHelpOptions = true)
  static final class Logout extends ApiCommand {
    @Override
    protected int run() {
      Session session = session();
      session.config().with(session.profileName(), session.profile().loggedOut()).save(session.configPath());
      output().result(Json.object().put("profile", session.profileName()), "Logged out (profile '" + session.profileName() + "').");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "whoami",
      description = "Show the user logged in, their limits and usage.",
      mixinStandardHelpOptions = true)
  static final class Whoami extends ApiCommand {
    @Override
    protected int run() {
      Session session = session();
      JsonNode me = session.authenticated().get("/v1/users/me");
      output()
          .object(
              me,
              List.of(
                  Output.Column.field("user", "username"),
                  new Output.Column("url", n -> session.url()),
                  new Output.Column("profile", n -> session.profileName()),
                  Output.Column.field("created", "createdAt"),
                  new Output.Column("concurrent", n -> usage(n, "concurrent")),
                  new Output.Column("functions", n -> usage(n, "functions"))));
      return ExitCode.OK;
    }

    private static String usage(JsonNode me, String what) {
      String used = me.path("usage").path(what).asText("?");
      return used + " of " + me.path("limits").path(what).asText("?");
    }
  }

  @Command(
      name = "callback-secret",
      description = {
        "Show the secret your completion callbacks are signed with (made on first use).",
        "Callbacks carry webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)."
      },
      mixinStandardHelpOptions = true)
  static final class CallbackSecret extends ApiCommand {
    @picocli.CommandLine.Option(
        names = "--rotate",
        description = "Make a new secret; the old one keeps signing alongside it for 24 hours.")
    boolean rotate;

    @Override
    protected int run() {
      ApiClient api = session().authenticated();
      JsonNode secret =
          rotate
              ? ApiClient.expect(
                      api.send("POST", PATH, (JsonNode) null, java.util.Map.of()))
                  .json()
              : api.get(PATH);
      output()
          .object(
              secret,
              List.of(
                  Output.Column.field("secret", "secret"),
                  Output.Column.field("created", "createdAt"),
                  Output.Column.field("previous signs until", "previousSignsUntil")));
      return ExitCode.OK;
    }

    static final String PATH = "/v1/users/me/callback-secret";
  }
}
