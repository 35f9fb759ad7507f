package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faas keys}: API keys for scripts and CI. */
@Command(
    name = "keys",
    description = "Create, list and revoke API keys.",
    mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand extends FaasCommand.Group {
  /** A key's scope. */
  enum Scope { invoke, manage }

  static final List<Output.Column> COLUMNS =
      List.of(
          Output.Column.field("ID", "id"),
          Output.Column.field("NAME", "name"),
          Output.Column.field("SCOPE", "scope"),
          Output.Column.field("FUNCTIONS", "functions"),
          Output.Column.field("CREATED", "createdAt"),
          Output.Column.field("EXPIRES", "expiresAt"),
          Output.Column.field("LAST USED", "lastUsedAt"));

  @Command(name = "create", description = "Create a key; it is shown this once.", mixinStandardHelpOptions = true)
  static final class Create extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "A name for the key.")
    String name;

    @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "invoke or manage.")
    Scope scope;

    @Option(names = "--function", paramLabel = "NAME", description = "An invoke key: a function it may invoke (repeatable; none: all).")
    List<String> functions = new ArrayList<>();

    @Option(names = "--expires", paramLabel = "WHEN", description = "When it stops working: an RFC 3339 time, or a duration from now (30d, 12h).")
    String expires;

    @Override
    protected int run() {
      ObjectNode body = Json.object().put("name", name).put("scope", scope.name());
      if (!functions.isEmpty()) {
        ArrayNode list = body.putArray("functions");
        functions.forEach(list::add);
      }
      if (expires != null) {
        body.put("expiresAt", expiresAt(expires, Instant.now()).toString());
      }
      JsonNode created =
          ApiClient.expect(session().authenticated().send("POST", "/v1/keys", body, Map.of())).json();
      if (output().format() == GlobalOptions.Format.table) {
        err().println("The key is shown this once: keep it now. Use it as FAAS_TOKEN or 'Authorization: Bearer'.");
      }
      output().result(created, created.path("key").asText());
      return ExitCode.OK;
    }

    /** An RFC 3339 time, or now plus {@code 30d}, {@code 12h}, {@code 45m}. */
    static Instant expiresAt(String text, Instant now) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException notATime) {
        if (text.matches("\\d+d")) {
          return now.plusSeconds(86_400L * Long.parseLong(text.substring(0, text.length() - 1)));
        }
        try {
          return now.plusMillis(Units.millis(text));
        } catch (CliException e) {
          throw CliException.usage("--expires: not a time or a duration: " + text + " (2027-01-01T00:00:00Z, 30d, 12h)");
        }
      }
    }
  }

  @Command(name = "list", aliases = "ls", description = "List your keys (never the keys themselves).", mixinStandardHelpOptions = true)
  static final class ListKeys extends ApiCommand {
    @Override
    protected int run() {
      JsonNode body = session().authenticated().get("/v1/keys");
      output().list(body, body.path("keys"), COLUMNS);
      return ExitCode.OK;
    }
  }

  @Command(name = "revoke", aliases = "rm", description = "Revoke keys: they stop working at once.", mixinStandardHelpOptions = true)
  static final class Revoke extends ApiCommand {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "The keys' ids.")
    List<String> ids;

    @Override
    protected int run() {
      ApiClient api = session().authenticated();
      for (String id : ids) {
        ApiClient.expect(api.send("DELETE", "/v1/keys/" + ApiClient.segment(id), (JsonNode) null, Map.of()));
        output().result(Json.object().put("revoked", id), "Revoked " + id + ".");
      }
      return ExitCode.OK;
    }
  }
}
