package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code faas invoke NAME}: runs a function once. Without {@code -o} stdout gets the result byte
 * for byte and nothing else (not even a newline), so {@code faas invoke f > out.bin} is the
 * function's own output; everything else goes to stderr.
 */
@Command(
    name = "invoke",
    description = "Invoke a function; its result goes to stdout byte for byte.",
    mixinStandardHelpOptions = true)
final class InvokeCommand extends ApiCommand {
  /** The longest wait the API allows per call ({@code ?wait=}). */
  private static final int WAIT_SECONDS = 60;

  @Parameters(index = "0", paramLabel = "NAME", description = "The function.")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "STDIN", description = "- : read the parameter from stdin.")
  String stdinMarker;

  @Option(names = {"-d", "--data"}, paramLabel = "TEXT|@FILE", description = "The parameter: TEXT, or @FILE for a file's bytes (@- for stdin).")
  String data;

  @Option(names = "--async", description = "Start it and print its activation id; do not wait (see --wait).")
  boolean async;

  @Option(names = "--wait", description = "With --async: wait for the activation to end and print its result.")
  boolean await;

  @Option(names = "--callback-url", paramLabel = "URL", description = "With --async: POST the final record to URL, signed (see faas callback-secret).")
  String callbackUrl;

  @Option(names = "--idempotency-key", paramLabel = "KEY", description = "With --async: the same KEY within 24 h gives the first call's activation.")
  String idempotencyKey;

  @Override
  protected int run() throws IOException {
    byte[] parameter = parameter();
    ApiClient api = session().authenticated();
    GlobalOptions.Format format = options().output();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/octet-stream");
    if (format != null) {
      headers.put("Accept", "application/json");
    }
    if ((callbackUrl != null || idempotencyKey != null) && !async && !await) {
      throw new CliException(ExitCode.USAGE, "--callback-url and --idempotency-key need --async");
    }
    if (async || await) {
      headers.put("Prefer", "respond-async");
    }
    if (callbackUrl != null) {
      headers.put("X-Callback-Url", callbackUrl);
    }
    if (idempotencyKey != null) {
      headers.put("Idempotency-Key", idempotencyKey);
    }
    ApiClient.Response response =
        api.send("POST", FnCommand.path(name) + "/invoke", parameter, headers, ApiClient.INVOKE);
    if (response.status() == 202) {
      String id = activationId(response);
      if (!await) {
        new Output(format == null ? GlobalOptions.Format.table : format, terminal().out())
            .result(Json.object().put("activationId", id), id);
        return ExitCode.OK;
      }
      return finished(api, waitFor(api, id));
    }
    if (response.status() / 100 != 2) {
      ApiError error = ApiError.of(response);
      String id = response.header("X-Activation-Id");
      if (format != null && id != null && error.exitCode() == ExitCode.FUNCTION_FAILED) {
        // A script asking for JSON gets the record of the failed activation on stdout too.
        ApiClient.Response record = api.send("GET", ActivationsCommand.path(id), (JsonNode) null, Map.of());
        if (record.status() == 200) {
          output().object(record.json(), ActivationsCommand.DETAILS);
        }
      }
      throw error;
    }
    if (async && !await) {
      // A platform without asynchronous calls ran it synchronously: the id still names the record.
      err().println("note: the platform ran the call synchronously");
      String id = activationId(response);
      new Output(format == null ? GlobalOptions.Format.table : format, terminal().out())
          .result(Json.object().put("activationId", id), id);
      return ExitCode.OK;
    }
    if (format == null) {
      write(response.body());
    } else {
      output().object(response.json(), ActivationsCommand.DETAILS);
    }
    return ExitCode.OK;
  }

  /** Polls the record with {@code ?wait=} until it is final. */
  private JsonNode waitFor(ApiClient api, String id) {
    while (true) {
      ApiClient.Response response =
          ApiClient.expect(
              api.send("GET", ActivationsCommand.path(id) + "?wait=" + WAIT_SECONDS, null, Map.of(),
                  Duration.ofSeconds(WAIT_SECONDS + 15)));
      JsonNode record = response.json();
      if (ActivationsCommand.FINAL.contains(record.path("status").asText())) {
        return record;
      }
    }
  }

  private int finished(ApiClient api, JsonNode record) {
    GlobalOptions.Format format = options().output();
    if (format == null) {
      String result = record.path("result").asText("");
      write(result.getBytes(StandardCharsets.UTF_8));
    } else {
      output().object(record, ActivationsCommand.DETAILS);
    }
    if (!"success".equals(record.path("status").asText())) {
      throw new CliException(
          ExitCode.FUNCTION_FAILED,
          "activation " + record.path("activationId").asText() + " " + record.path("status").asText()
              + (record.hasNonNull("error") ? ": " + record.get("error").asText() : ""));
    }
    return ExitCode.OK;
  }

  private static String activationId(ApiClient.Response response) {
    String id = response.header("X-Activation-Id");
    if (id == null) {
      JsonNode body = response.jsonOrNull();
      id = body == null ? null : body.path("activationId").asText(null);
    }
    if (id == null) {
      throw new CliException(ExitCode.ERROR, "the platform answered " + response.status() + " without an activation id");
    }
    return id;
  }

  private byte[] parameter() throws IOException {
    if (stdinMarker != null && !stdinMarker.equals("-")) {
      throw CliException.usage("unexpected argument '" + stdinMarker + "': give the parameter with --data, or - for stdin");
    }
    if (stdinMarker != null && data != null) {
      throw CliException.usage("give the parameter either with --data or on stdin (-), not both");
    }
    if (stdinMarker != null || "@-".equals(data)) {
      return readAll(terminal().in());
    }
    if (data == null) {
      return new byte[0];
    }
    if (data.startsWith("@")) {
      try {
        return Files.readAllBytes(Path.of(data.substring(1)));
      } catch (NoSuchFileException e) {
        throw CliException.usage("no such file: " + data.substring(1));
      }
    }
    return data.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private void write(byte[] bytes) {
    try {
      terminal().out().write(bytes);
      terminal().out().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
