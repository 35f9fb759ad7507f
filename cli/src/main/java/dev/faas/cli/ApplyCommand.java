package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code faas apply -f faas.yaml}: makes the caller's functions what the file says. Creates what
 * is missing, updates what differs (with {@code If-Match}, so an edit made meanwhile is refused
 * rather than overwritten), deletes what the file no longer lists with {@code --prune}, and says
 * what it changed: a second run over the same file changes nothing.
 */
@Command(
    name = "apply",
    description = "Make your functions match a file (faas.yaml): create, update, and with --prune delete.",
    mixinStandardHelpOptions = true)
final class ApplyCommand extends ApiCommand {
  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The manifest, or - for stdin.")
  String file;

  @Option(names = "--prune", description = "Delete your functions that the file does not list.")
  boolean prune;

  @Option(names = "--dry-run", description = "Say what would change, change nothing.")
  boolean dryRun;

  @Override
  protected int run() throws IOException {
    List<ObjectNode> wanted = read();
    ApiClient api = session().authenticated();
    ApplyPlan plan = ApplyPlan.of(wanted, api.get("/v1/functions").path("functions"), prune);
    Output output = output();
    boolean table = output.format() == GlobalOptions.Format.table;
    ObjectNode report = Json.object().put("dryRun", dryRun);
    ArrayNode created = report.putArray("created");
    ArrayNode updated = report.putArray("updated");
    ArrayNode deleted = report.putArray("deleted");
    ArrayNode unchanged = report.putArray("unchanged");
    plan.unchanged().forEach(unchanged::add);
    for (ApplyPlan.Change change : plan.changes()) {
      if (!dryRun) {
        apply(api, change);
      }
      switch (change.action()) {
        case CREATE -> created.add(change.name());
        case DELETE -> deleted.add(change.name());
        case UPDATE -> {
          ObjectNode entry = updated.addObject().put("name", change.name());
          ArrayNode fields = entry.putArray("changes");
          for (ApplyPlan.FieldChange f : change.fields()) {
            ObjectNode field = fields.addObject().put("field", f.field());
            field.set("from", f.from());
            field.set("to", f.to());
          }
        }
      }
      if (table) {
        line(change);
      }
    }
    if (table) {
      String summary =
          plan.isEmpty()
              ? "Nothing changed: " + plan.unchanged().size() + " function(s) up to date."
              : (dryRun ? "Dry run, nothing done: " : "")
                  + created.size() + " created, " + updated.size() + " updated, " + deleted.size() + " deleted, "
                  + unchanged.size() + " unchanged.";
      output.result(report, summary);
    } else {
      output.structured(report);
    }
    return ExitCode.OK;
  }

  private void apply(ApiClient api, ApplyPlan.Change change) {
    String path = FnCommand.path(change.name());
    switch (change.action()) {
      case CREATE -> ApiClient.expect(api.send("POST", "/v1/functions", change.body(), Map.of()));
      case DELETE -> ApiClient.expect(api.send("DELETE", path, (JsonNode) null, Map.of()));
      case UPDATE -> {
        // The ETag of the function as compared: an edit made since is refused (412), not lost.
        ApiClient.Response current = ApiClient.expect(api.send("GET", path, (JsonNode) null, Map.of()));
        String etag = current.header("ETag");
        ApiClient.expect(api.send("PUT", path, change.body(), etag == null ? Map.of() : Map.of("If-Match", etag)));
      }
    }
  }

  private void line(ApplyPlan.Change change) {
    String verb =
        switch (change.action()) {
          case CREATE -> dryRun ? "would create" : "created";
          case UPDATE -> dryRun ? "would update" : "updated";
          case DELETE -> dryRun ? "would delete" : "deleted";
        };
    StringBuilder line = new StringBuilder(verb).append(' ').append(change.name());
    for (ApplyPlan.FieldChange f : change.fields()) {
      line.append("\n    ").append(f.field()).append(": ").append(Table.text(f.from())).append(" -> ").append(Table.text(f.to()));
    }
    output().line(line.toString());
  }

  private List<ObjectNode> read() throws IOException {
    if (file.equals("-")) {
      return Manifest.read(terminal().in(), "stdin");
    }
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return Manifest.read(in, file);
    } catch (NoSuchFileException e) {
      throw CliException.usage("no such file: " + file);
    }
  }
}
