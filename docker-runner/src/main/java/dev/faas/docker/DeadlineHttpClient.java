package dev.faas.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import dev.faas.actors.runtime.ContainerFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The engine transport with a deadline on every request, so that no call to the engine can block
 * a thread or hold a connection for longer than its deadline (see {@link Deadlines} for how).
 *
 * <ul>
 *   <li>{@link Mode#CALL}: the deadline covers the whole exchange, the response body included,
 *       which is read here (answers to control calls are small documents) and handed to
 *       docker-java from memory; the connection is back in its pool before docker-java parses.
 *   <li>{@link Mode#STREAM}: the deadline covers the engine's answer (the status line and headers
 *       of an attach, a wait, an events stream), not the stream that follows, whose length is the
 *       container's: whoever opened it closes it.
 * </ul>
 *
 * <p>A request cut at its deadline fails with {@link ContainerFailure.EngineUnavailable} naming
 * it.
 */
final class DeadlineHttpClient implements DockerHttpClient {
  /** The most of a control answer read into memory: far above any list or inspect. */
  static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

  enum Mode {
    CALL,
    STREAM
  }

  private final DockerHttpClient delegate;
  private final Deadlines deadlines;
  private final Duration limit;
  private final Mode mode;

  DeadlineHttpClient(DockerHttpClient delegate, Deadlines deadlines, Duration limit, Mode mode) {
    this.delegate = delegate;
    this.deadlines = deadlines;
    this.limit = limit;
    this.mode = mode;
  }

  @Override
  public Response execute(Request request) {
    Deadlines.Call call = deadlines.start(limit, request.method() + " " + pathOf(request));
    try {
      Response response = delegate.execute(request);
      return mode == Mode.STREAM ? response : buffered(response);
    } catch (RuntimeException e) {
      if (call.expired()) {
        throw new ContainerFailure.EngineUnavailable(
            "the Docker engine did not answer " + call.describe(), e);
      }
      throw e;
    } finally {
      call.end();
    }
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** The response, its body read now; the real one is closed before this returns. */
  private static Response buffered(Response response) {
    try (response) {
      byte[] body;
      try (InputStream in = response.getBody()) {
        body = in.readNBytes(MAX_ANSWER_BYTES);
      } catch (IOException e) {
        throw new IllegalStateException("reading the engine's answer failed: " + e, e);
      }
      return new Answer(response.getStatusCode(), response.getHeaders(), body);
    }
  }

  /** The path without its query string: enough to name a call in a log line. */
  private static String pathOf(Request request) {
    String path = request.path();
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  /** A response held in memory. */
  private record Answer(int status, Map<String, List<String>> headers, byte[] body)
      implements Response {
    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public Map<String, List<String>> getHeaders() {
      return headers;
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public void close() {}
  }
}
