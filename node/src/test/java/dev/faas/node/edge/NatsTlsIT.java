package dev.faas.node.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.DockerEngine;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import dev.faas.node.it.TestNats;
import dev.faas.registry.testing.TestCertificates;
import dev.faas.nats.NatsTls;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * NATS over TLS, as it runs where NATS and the nodes are on different hosts (Kumori): a
 * nats-server that requires TLS with a certificate of a private CA; a node given that CA with
 * {@code FAAS_NATS_CA} and a {@code tls://} URL runs an activation end to end; a node without the
 * CA stops at once saying why; a certificate that names another host than the one dialled is
 * refused; a client that does not speak TLS is refused by the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatsTlsIT {
  private final String platform = "it-natstls-" + UUID.randomUUID().toString().substring(0, 8);
  private Path dir;
  private Path certs;
  private TestNats nats;
  private NodeProcess node;
  private NodeProcess untrusting;
  private FaasClient user;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("nats-tls");
    certs = Files.createDirectories(dir.resolve("certs"));
    TestCertificates.make(certs, "127.0.0.1");
    nats = TestNats.withTls(dir.resolve("js"), certs).start();
    node =
        new NodeProcess(
                dir.resolve("node"),
                TestNats.freePort(),
                Map.of(
                    "FAAS_NATS_URL", nats.url(),
                    "FAAS_NATS_CA", certs.resolve("ca.crt").toString(),
                    // HTTPS is not what this test is about: no certificate to make at start.
                    "FAAS_TLS", "false",
                    "FAAS_PLATFORM", platform,
                    "FAAS_NODE_NAME", platform + "-node"))
            .start();
    // Started beside the first, so the two JVMs' start-up overlaps.
    untrusting =
        new NodeProcess(
                dir.resolve("untrusting"),
                TestNats.freePort(),
                Map.of(
                    "FAAS_NATS_URL", nats.url(),
                    "FAAS_ROLES", "api",
                    "FAAS_TLS", "false",
                    "FAAS_PLATFORM", platform,
                    "FAAS_NODE_NAME", platform + "-untrusting"))
            .start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    node.awaitReady(http, TestCluster.NODE_READY);
    user = FaasClient.signUp(http, node.baseUrl(), "tls-user");
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
    if (untrusting != null) {
      untrusting.kill();
    }
    if (nats != null) {
      nats.close();
    }
    DockerEngine.removeAll(platform);
  }

  @Test
  void aNodeTrustingTheCaRunsAnActivationOverTls() throws Exception {
    assertTrue(nats.url().startsWith("tls://"), nats.url());
    user.createFunction("echo-tls", FunctionImages.withCommand("cat", "[\"cat\"]"));
    FaasClient.Reply reply = user.invoke("echo-tls", "over TLS");
    assertEquals(200, reply.status(), reply.text());
    assertEquals("over TLS", reply.text());
  }

  @Test
  void aNodeWithoutTheCaStopsSayingWhy() throws Exception {
    // Not a node that waits forever for a NATS it will never trust: it gives up at once.
    Await.until(
        Duration.ofSeconds(60), () -> "the node without the CA to exit", () -> !untrusting.isAlive());
    String log = untrusting.log();
    assertTrue(log.contains("Cannot start"), log);
    assertTrue(log.contains("certificate is not trusted") && log.contains("FAAS_NATS_CA"), log);
    assertEquals(3, untrusting.stop(), log);
  }

  @Test
  void aCertificateThatDoesNotNameTheHostDialledIsRefused() throws Exception {
    // The right CA, but the certificate names 127.0.0.1, not localhost. jnats alone checks no
    // name; with the node's context and options (NatsOptions: the name left unresolved) the
    // handshake fails. It is retried, not final: jnats reports it as a timeout.
    String wrongName = "tls://localhost:" + nats.port();
    Options options =
        new Options.Builder()
            .server(wrongName)
            .sslContext(NatsTls.of(certs.resolve("ca.crt"), List.of(wrongName)).context())
            .hostnameResolveMode(Options.HostnameResolveMode.Unresolved)
            .connectionTimeout(Duration.ofSeconds(2))
            .maxReconnects(0)
            .build();
    assertThrows(Exception.class, () -> Nats.connect(options).close());
    // The same context accepts the name the certificate does carry.
    String rightName = nats.url();
    Options right =
        new Options.Builder()
            .server(rightName)
            .sslContext(NatsTls.of(certs.resolve("ca.crt"), List.of(rightName)).context())
            .hostnameResolveMode(Options.HostnameResolveMode.Unresolved)
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(0)
            .build();
    Nats.connect(right).close();
  }

  @Test
  void theServerRefusesAClientThatDoesNotSpeakTls() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", nats.port())) {
      socket.setSoTimeout(5_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String info = in.readLine();
      assertTrue(info.startsWith("INFO") && info.contains("\"tls_required\":true"), info);
      OutputStream out = socket.getOutputStream();
      out.write("CONNECT {\"verbose\":false}\r\nPING\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      String answer;
      try {
        answer = in.readLine();
      } catch (java.io.IOException e) {
        answer = null; // reset: refused as well
      }
      assertFalse(answer != null && answer.startsWith("PONG"), "served in plain: " + answer);
    }
    // jnats as a node would use it, with a nats:// URL and no TLS context.
    String plain = "nats://127.0.0.1:" + nats.port();
    assertThrows(
        Exception.class,
        () ->
            Nats.connect(
                    new Options.Builder()
                        .server(plain)
                        .connectionTimeout(Duration.ofSeconds(2))
                        .maxReconnects(0)
                        .build())
                .close());
  }
}
