package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code faas fn}: functions one at a time ({@code faas apply} for a file of them). */
@Command(
    name = "fn",
    aliases = "function",
    description = "Create, update, show, list and delete functions.",
    mixinStandardHelpOptions = true,
    subcommands = {FnCommand.Create.class, FnCommand.Update.class, FnCommand.Get.class, FnCommand.ListFns.class, FnCommand.Delete.class})
final class FnCommand extends FaasCommand.Group {

  static final List<Output.Column> COLUMNS =
      List.of(
          Output.Column.field("NAME", "name"),
          Output.Column.field("IMAGE", "image"),
          Output.Column.field("STATUS", "status"),
          new Output.Column("TIMEOUT", f -> f.path("timeoutMs").asText() + "ms"),
          new Output.Column("MEMORY", f -> f.path("memoryMb").asText() + "Mi"),
          Output.Column.field("UPDATED", "updatedAt"));

  static final List<Output.Column> DETAILS =
      List.of(
          Output.Column.field("name", "name"),
          Output.Column.field("image", "image"),
          Output.Column.field("digest", "imageDigest"),
          Output.Column.field("status", "status"),
          Output.Column.field("status detail", "statusDetail"),
          new Output.Column("timeout", f -> f.path("timeoutMs").asText() + "ms"),
          new Output.Column("memory", f -> f.path("memoryMb").asText() + "Mi"),
          Output.Column.field("max concurrency", "maxConcurrency"),
          Output.Column.field("input mode", "inputMode"),
          Output.Column.field("network", "network"),
          Output.Column.field("env", "env"),
          Output.Column.field("description", "description"),
          Output.Column.field("created", "createdAt"),
          Output.Column.field("updated", "updatedAt"),
          Output.Column.field("revision", "revision"));

  static String path(String name) {
    return "/v1/functions/" + ApiClient.segment(name);
  }

  @Command(name = "create", description = "Create a function.", mixinStandardHelpOptions = true)
  static final class Create extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    @Mixin FunctionOptions function;

    @Override
    protected int run() {
      if (function.image == null) {
        throw CliException.usage("--image is required to create a function");
      }
      ApiClient api = session().authenticated();
      JsonNode created = ApiClient.expect(api.send("POST", "/v1/functions", function.body(name, null), Map.of())).json();
      output().object(created, DETAILS);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "update",
      description = "Change a function: only the options given change; refused if it changed meanwhile.",
      mixinStandardHelpOptions = true)
  static final class Update extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    @Mixin FunctionOptions function;

    @Override
    protected int run() {
      ApiClient api = session().authenticated();
      ApiClient.Response current = ApiClient.expect(api.send("GET", path(name), (JsonNode) null, Map.of()));
      String etag = current.header("ETag");
      Map<String, String> headers = etag == null ? Map.of() : Map.of("If-Match", etag);
      JsonNode updated =
          ApiClient.expect(api.send("PUT", path(name), function.body(name, current.json()), headers)).json();
      output().object(updated, DETAILS);
      return ExitCode.OK;
    }
  }

  @Command(name = "get", description = "Show a function.", mixinStandardHelpOptions = true)
  static final class Get extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    @Override
    protected int run() {
      output().object(session().authenticated().get(path(name)), DETAILS);
      return ExitCode.OK;
    }
  }

  @Command(name = "list", aliases = "ls", description = "List your functions.", mixinStandardHelpOptions = true)
  static final class ListFns extends ApiCommand {
    @Override
    protected int run() {
      JsonNode body = session().authenticated().get("/v1/functions");
      output().list(body, body.path("functions"), COLUMNS);
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", aliases = "rm", description = "Delete functions.", mixinStandardHelpOptions = true)
  static final class Delete extends ApiCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "The functions' names.")
    List<String> names;

    @Override
    protected int run() {
      ApiClient api = session().authenticated();
      for (String name : names) {
        ApiClient.expect(api.send("DELETE", path(name), (JsonNode) null, Map.of()));
        output().result(Json.object().put("deleted", name), "Deleted " + name + ".");
      }
      return ExitCode.OK;
    }
  }
}
