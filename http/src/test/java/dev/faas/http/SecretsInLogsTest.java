package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * A bearer token never reaches the log, however its {@code Authorization} header is malformed:
 * the real route, served by an actor system configured as the node configures it (the node's own
 * application.conf, read from its module), every log event captured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsInLogsTest {
  private final Captured logs = new Captured();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ApiFixture api;

  SecretsInLogsTest() {
    logs.start();
    root.addAppender(logs);
    api =
        new ApiFixture(
            HttpSettings.defaults(),
            deps -> List.of(),
            true,
            nodeConfig(),
            PasswordHasher.DEFAULT_MAX_PENDING);
  }

  @AfterAll
  void stop() {
    api.close();
    root.detachAppender(logs);
  }

  @Test
  void malformedAuthorizationHeadersLeaveNoTokenInTheLog() {
    String token = api.newUserToken();
    List<String> malformed =
        List.of(
            "Bearer " + token + " trailing",
            "Bearer " + token + ",",
            "Bearer \"" + token + "\"",
            "Bearer " + token + "@",
            "Bearer  " + token + " =",
            "Basic " + token + "!",
            "Digest " + token,
            "bearer " + token + "; extra=1",
            token + " " + token,
            "Bearer " + token + "x".repeat(10_000));
    for (String header : malformed) {
      HttpResponse<String> response =
          api.call("GET", "/v1/functions", null, null, "Authorization", header);
      assertTrue(
          response.statusCode() >= 400 && response.statusCode() < 500,
          response.statusCode() + " for " + header);
      assertFalse(response.body().contains(signatureOf(token)), "echoed in the body: " + header);
    }
    // The control: the same requests do reach the log pipeline, which is what is captured.
    String sentinel = "sentinel-" + UUID.randomUUID();
    api.system().log().warning(sentinel);
    awaitLogged(sentinel);

    String secret = signatureOf(token);
    String payload = token.split("\\.")[1];
    List<String> leaks =
        logs.events.stream()
            .map(SecretsInLogsTest::render)
            .filter(line -> line.contains(secret) || line.contains(payload))
            .collect(Collectors.toList());
    assertEquals(List.of(), leaks, "log lines carrying the token");
  }

  /** The part of a JWT that makes it a credential. */
  private static String signatureOf(String token) {
    return token.substring(token.lastIndexOf('.') + 1);
  }

  private void awaitLogged(String text) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (logs.events.stream().noneMatch(e -> render(e).contains(text))) {
      assertTrue(Instant.now().isBefore(deadline), "the log never showed " + text);
      Thread.onSpinWait();
    }
  }

  private static String render(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    event.getMDCPropertyMap().values().forEach(v -> line.append(" | ").append(v));
    return line.toString();
  }

  /** Every event, kept as it is logged (pekko's logger actor appends while the test reads). */
  private static final class Captured extends AppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  }

  /** The node's configuration file, as the node loads it, minus exiting the JVM on shutdown. */
  private static Config nodeConfig() {
    Path file =
        Path.of(System.getProperty("basedir", "."), "..", "node", "src", "main", "resources")
            .resolve("application.conf")
            .normalize();
    return ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(ConfigFactory.parseFile(file.toFile()))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
