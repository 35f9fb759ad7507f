package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faas activations}: the records of past and running calls. */
@Command(
    name = "activations",
    aliases = "act",
    description = "List activations, show one, print its logs.",
    mixinStandardHelpOptions = true,
    subcommands = {ActivationsCommand.ListActivations.class, ActivationsCommand.Get.class, ActivationsCommand.Logs.class})
final class ActivationsCommand extends FaasCommand.Group {
  static final Set<String> FINAL = Set.of("success", "failed", "timeout");
  /** Event types of the log stream that end it. */
  static final Set<String> END_EVENTS = Set.of("end", "done", "close", "eof", "final");
  /** Event types of the log stream that carry log text. */
  static final Set<String> LOG_EVENTS = Set.of("message", "log", "logs", "stderr");

  static final List<Output.Column> COLUMNS =
      List.of(
          Output.Column.field("ID", "activationId"),
          Output.Column.field("FUNCTION", "function"),
          Output.Column.field("STATUS", "status"),
          Output.Column.field("STARTED", "startedAt"),
          new Output.Column("DURATION", a -> a.hasNonNull("durationMs") ? a.get("durationMs").asText() + "ms" : Table.NONE));

  static final List<Output.Column> DETAILS =
      List.of(
          Output.Column.field("id", "activationId"),
          Output.Column.field("function", "function"),
          Output.Column.field("status", "status"),
          Output.Column.field("error", "error"),
          Output.Column.field("exit code", "exitCode"),
          Output.Column.field("started", "startedAt"),
          new Output.Column("duration", a -> a.hasNonNull("durationMs") ? a.get("durationMs").asText() + "ms" : Table.NONE),
          Output.Column.field("timings", "timings"),
          Output.Column.field("request id", "requestId"),
          Output.Column.field("result", "result"),
          Output.Column.field("logs", "logs"));

  static String path(String id) {
    return "/v1/activations/" + ApiClient.segment(id);
  }

  @Command(name = "list", aliases = "ls", description = "List activations, newest first.", mixinStandardHelpOptions = true)
  static final class ListActivations extends ApiCommand {
    @Option(names = {"-f", "--function"}, paramLabel = "NAME", description = "Only this function's.")
    String function;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "At most N (1 to 200, default 50).")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The next page, from a previous listing.")
    String cursor;

    @Override
    protected int run() {
      StringBuilder query = new StringBuilder();
      append(query, "function", function);
      append(query, "limit", limit == null ? null : limit.toString());
      append(query, "cursor", cursor);
      JsonNode page = session().authenticated().get("/v1/activations" + query);
      output().list(page, page.path("activations"), COLUMNS);
      if (page.hasNonNull("nextCursor") && output().format() == GlobalOptions.Format.table) {
        err().println("more: faas activations list" + (function == null ? "" : " --function " + function)
            + " --cursor " + page.get("nextCursor").asText());
      }
      return ExitCode.OK;
    }

    private static void append(StringBuilder query, String name, String value) {
      if (value != null) {
        query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
  }

  @Command(name = "get", description = "Show one activation, its result and logs.", mixinStandardHelpOptions = true)
  static final class Get extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The activation id.")
    String id;

    @Override
    protected int run() {
      output().object(session().authenticated().get(path(id)), DETAILS);
      return ExitCode.OK;
    }
  }

  @Command(name = "logs", description = "Print an activation's logs (its stderr).", mixinStandardHelpOptions = true)
  static final class Logs extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The activation id.")
    String id;

    @Option(names = "--follow", description = "Follow a running activation's logs until it ends.")
    boolean follow;

    @Override
    protected int run() throws IOException {
      ApiClient api = session().authenticated();
      if (follow && followed(api)) {
        return ExitCode.OK;
      }
      JsonNode record = follow ? untilFinal(api) : api.get(path(id));
      write(record.path("logs").asText(""));
      return ExitCode.OK;
    }

    /** Streams {@code /logs?follow=true}; false when the platform has no such stream. */
    private boolean followed(ApiClient api) throws IOException {
      HttpResponse<InputStream> response =
          api.stream(path(id) + "/logs?follow=true", Map.of("Accept", "text/event-stream"));
      try (InputStream body = response.body()) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() == 200 && type.startsWith("text/event-stream")) {
          Sse.read(body, event -> {
            if (END_EVENTS.contains(event.type())) {
              return false;
            }
            if (LOG_EVENTS.contains(event.type())) {
              write(event.data() + "\n");
            }
            return true;
          });
          return true;
        }
        if (response.statusCode() == 404 || response.statusCode() == 405) {
          return false; // no stream here: the record is read instead (404 for the id too, then)
        }
        ApiClient.expect(new ApiClient.Response(response.statusCode(), response.headers().map(), body.readAllBytes()));
        return false;
      }
    }

    private JsonNode untilFinal(ApiClient api) {
      while (true) {
        JsonNode record =
            ApiClient.expect(api.send("GET", path(id) + "?wait=60", null, Map.of(), Duration.ofSeconds(75))).json();
        if (FINAL.contains(record.path("status").asText("success"))) {
          return record;
        }
      }
    }

    private void write(String text) {
      try {
        terminal().out().write(text.getBytes(StandardCharsets.UTF_8));
        terminal().out().flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
