package dev.faas.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the platform on a loopback port, answering canned responses per "METHOD path"
 * and recording what it was sent; and a way to run the CLI in-process against it.
 */
final class FakeApi implements AutoCloseable {
  record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer json(int status, String json, String... headers) {
      Map<String, String> h = new java.util.LinkedHashMap<>();
      h.put("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
      for (int i = 0; i < headers.length; i += 2) {
        h.put(headers[i], headers[i + 1]);
      }
      return new Answer(status, h, json.getBytes(StandardCharsets.UTF_8));
    }
  }

  record Seen(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  record Run(int code, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  FakeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  FakeApi on(String methodAndPath, Answer answer) {
    answers.put(methodAndPath, answer);
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    String full = query == null ? path : path + "?" + query;
    seen.add(new Seen(exchange.getRequestMethod(), full, Map.copyOf(exchange.getRequestHeaders()), body));
    Answer answer = answers.get(exchange.getRequestMethod() + " " + full);
    if (answer == null) {
      answer = answers.get(exchange.getRequestMethod() + " " + path);
    }
    if (answer == null) {
      answer = Answer.json(404, "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no such thing\"}", "X-Request-Id", "req-404");
    }
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    if (answer.body().length > 0) {
      exchange.getResponseBody().write(answer.body());
    }
    exchange.close();
  }

  /** Runs the CLI in-process with this environment (HOME under {@code home}) and stdin. */
  static Run run(Path home, Map<String, String> env, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal terminal =
        new Terminal(env, new ByteArrayInputStream(stdin), out, new PrintStream(err, true, StandardCharsets.UTF_8), null, home);
    int code = Cli.run(args, terminal);
    return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
