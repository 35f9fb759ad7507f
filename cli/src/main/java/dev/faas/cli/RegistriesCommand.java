package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faas registries}: the credentials the platform pulls your functions' images with. */
@Command(
    name = "registries",
    aliases = "registry",
    description = "Store, list and remove your container registry credentials.",
    mixinStandardHelpOptions = true,
    subcommands = {RegistriesCommand.Login.class, RegistriesCommand.ListRegistries.class, RegistriesCommand.Logout.class})
final class RegistriesCommand extends FaasCommand.Group {
  static final List<Output.Column> COLUMNS =
      List.of(
          Output.Column.field("HOST", "host"),
          Output.Column.field("USERNAME", "username"),
          Output.Column.field("UPDATED", "updatedAt"));

  static String path(String host) {
    return "/v1/registries/" + ApiClient.segment(host);
  }

  @Command(name = "login", description = "Store credentials for a registry host (host[:port]).", mixinStandardHelpOptions = true)
  static final class Login extends ApiCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "The registry, as image references name it: ghcr.io, registry.example:5000.")
    String host;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER", description = "The registry username.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password or access token from the first line of stdin.")
    boolean passwordStdin;

    @Override
    protected int run() {
      Session session = session();
      String password = Secrets.password(terminal(), passwordStdin, "Password for " + username + "@" + host, false);
      ApiClient.expect(
          session.authenticated().send("PUT", path(host), Json.object().put("username", username).put("password", password), Map.of()));
      output().result(Json.object().put("host", host).put("username", username), "Stored credentials for " + host + ".");
      return ExitCode.OK;
    }
  }

  @Command(name = "list", aliases = "ls", description = "List your registry credentials (never the passwords).", mixinStandardHelpOptions = true)
  static final class ListRegistries extends ApiCommand {
    @Override
    protected int run() {
      JsonNode body = session().authenticated().get("/v1/registries");
      output().list(body, body.path("registries"), COLUMNS);
      return ExitCode.OK;
    }
  }

  @Command(name = "logout", description = "Remove your credentials for a registry host.", mixinStandardHelpOptions = true)
  static final class Logout extends ApiCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "The registry host.")
    String host;

    @Override
    protected int run() {
      ApiClient.expect(session().authenticated().send("DELETE", path(host), (JsonNode) null, Map.of()));
      output().result(Json.object().put("removed", host), "Removed the credentials for " + host + ".");
      return ExitCode.OK;
    }
  }
}
