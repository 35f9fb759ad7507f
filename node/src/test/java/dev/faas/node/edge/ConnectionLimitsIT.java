package dev.faas.node.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.node.it.Await;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestNats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real node's HTTP listener against raw sockets: idle sockets, a slowloris client, idle
 * keep-alive connections and a connection flood past the cap. The node needs no NATS for this:
 * /healthz answers from the first second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsIT {
  private static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: node\r\n\r\n";

  private Path dir;
  private NodeProcess node;
  private int port;
  private NodeProcess capped;
  private int cappedPort;
  private NodeProcess tls;
  private int tlsPort;

  @BeforeAll
  void start() throws Exception {
    dir = java.nio.file.Files.createTempDirectory("connection-limits");
    port = TestNats.freePort();
    cappedPort = TestNats.freePort();
    String nowhere = "nats://127.0.0.1:" + TestNats.freePort();
    node =
        new NodeProcess(
                dir.resolve("node"),
                port,
                Map.of(
                    "FAAS_ROLES", "api",
                    "FAAS_TLS", "false",
                    "FAAS_NATS_URL", nowhere,
                    // The idle sockets must outlive the test of them.
                    "FAAS_HTTP_HEADER_TIMEOUT", "30s",
                    "FAAS_HTTP_IDLE_TIMEOUT", "3s"))
            .start();
    capped =
        new NodeProcess(
                dir.resolve("capped"),
                cappedPort,
                Map.of(
                    "FAAS_ROLES", "api",
                    "FAAS_TLS", "false",
                    "FAAS_NATS_URL", nowhere,
                    "FAAS_MAX_CONNECTIONS", "20",
                    "FAAS_CONNECTION_RESERVE", "5",
                    "FAAS_HTTP_HEADER_TIMEOUT", "60s"))
            .start();
    tlsPort = TestNats.freePort();
    tls =
        new NodeProcess(
                dir.resolve("tls"),
                tlsPort,
                Map.of(
                    "FAAS_ROLES", "api",
                    "FAAS_NATS_URL", nowhere,
                    "FAAS_HTTP_HEADER_TIMEOUT", "3s"))
            .start();
    awaitHealthy(node, port);
    awaitHealthy(capped, cappedPort);
    Await.until(
        Duration.ofSeconds(60),
        () -> "the TLS node answering /healthz",
        () -> {
          if (!tls.isAlive()) {
            throw new AssertionError("the node exited:\n" + tls.log());
          }
          try (Socket s = connectTls(tlsPort)) {
            s.setSoTimeout(2000);
            return exchange(s, HEALTHZ).startsWith("HTTP/1.1 200");
          } catch (IOException e) {
            return false;
          }
        });
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
    if (capped != null) {
      capped.stop();
    }
    if (tls != null) {
      tls.stop();
    }
  }

  @Test
  void healthzAnswersWithin1sBeside1100IdleSockets() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 1100; i++) {
        idle.add(connect(port));
      }
      // pekko-http alone stops accepting at 1024 connections: the probe would get no answer.
      // With the guard the node takes them all; once it has (a moment for 1100 accepts on a
      // loaded machine), a probe is answered within 1 s while every idle socket is held.
      Await.until(
          Duration.ofSeconds(5),
          () -> "a /healthz probe answered within 1 s beside 1100 idle sockets",
          () -> {
            long start = System.nanoTime();
            try (Socket probe = connect(port)) {
              probe.setSoTimeout(1000);
              String answer = exchange(probe, HEALTHZ);
              return answer.startsWith("HTTP/1.1 200")
                  && (System.nanoTime() - start) / 1_000_000 < 1000;
            } catch (IOException e) {
              return false;
            }
          });
      for (Socket s : idle) {
        assertFalse(s.isClosed(), "an idle socket was closed");
      }
    } finally {
      closeAll(idle);
    }
  }

  @Test
  void aStalledTlsHandshakeIsClosedByTheHeaderTimeout() throws Exception {
    try (Socket s = connect(tlsPort)) {
      // A TLS record header and nothing more: the handshake never completes.
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
      s.getOutputStream().flush();
      long start = System.nanoTime();
      // The header timeout (3 s) ends the connection; the TLS layer, mid-handshake, then gives
      // up after pekko's linger-timeout (10 s in the node's configuration, 60 s by default) with
      // its closing alerts. (It then waits for the client's close_notify before closing TCP: a
      // known limit, docs/architecture.md "Hardening".)
      s.setSoTimeout(20_000);
      int first;
      try {
        first = s.getInputStream().read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the node still waits for a stalled handshake after 20 s");
      } catch (IOException e) {
        first = -1;
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(first == -1 || first == 0x15, "expected an alert or the end, got " + first);
      assertTrue(millis >= 2000, "gave up after " + millis + " ms, before the header timeout");
    }
  }

  @Test
  void aTlsSlowlorisIsClosedByTheHeaderTimeout() throws Exception {
    // One header byte every 2 s, as the audit's client did (every 9 s); the header timeout is 3 s.
    try (Socket s = connectTls(tlsPort)) {
      OutputStream out = s.getOutputStream();
      byte[] head = "GET /healthz HTTP/1.1\r\nHost: node\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < head.length && !closed; i++) {
        try {
          out.write(head[i]);
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        closed = closedWithin(s, Duration.ofSeconds(2));
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertTrue(closed, "a TLS client dribbling its header was still served after " + seconds + " s");
      assertTrue(seconds <= 6, "closed only after " + seconds + " s");
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket s = connect(port)) {
      s.setSoTimeout(2000);
      String first = exchange(s, HEALTHZ);
      assertTrue(first.startsWith("HTTP/1.1 200"), first);
      assertTrue(!first.toLowerCase().contains("connection: close"), first);
      long start = System.nanoTime();
      assertTrue(closedWithin(s, Duration.ofSeconds(8)), "idle connection still open after 8 s");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 2500, "closed after " + millis + " ms, before the idle timeout");
    }
  }

  @Test
  void pastTheCapNewConnectionsCloseAtOnceWhileOpenOnesAndProbesWork() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      // The 20 served connections, each having made a request (keep-alive, idle).
      for (int i = 0; i < 20; i++) {
        Socket s = connect(cappedPort);
        s.setSoTimeout(2000);
        assertTrue(exchange(s, HEALTHZ).startsWith("HTTP/1.1 200"));
        held.add(s);
      }
      // A flood of idle sockets: the first 5 take the reserve, the rest are closed at once.
      List<Socket> flood = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        flood.add(connect(cappedPort));
      }
      int closedAtOnce = 0;
      for (Socket s : flood) {
        if (closedWithin(s, Duration.ofMillis(300))) {
          closedAtOnce++;
        }
      }
      closeAll(flood);
      assertTrue(closedAtOnce >= 10, "only " + closedAtOnce + " of 15 past the cap were closed");
      // A probe on a new connection gets through the reserve (answered, then closed).
      String probe =
          Await.until(
              Duration.ofSeconds(5),
              "a /healthz probe past the cap answered",
              () -> {
                try (Socket s = connect(cappedPort)) {
                  s.setSoTimeout(1000);
                  return exchange(s, HEALTHZ);
                } catch (IOException e) {
                  return "";
                }
              },
              answer -> answer.startsWith("HTTP/1.1 200"));
      assertTrue(probe.toLowerCase().contains("connection: close"), probe);
      // The connections already served still are.
      for (Socket s : held) {
        assertTrue(exchange(s, HEALTHZ).startsWith("HTTP/1.1 200"));
      }
    } finally {
      closeAll(held);
    }
  }

  private static void awaitHealthy(NodeProcess node, int port) throws Exception {
    Await.until(
        Duration.ofSeconds(60),
        () -> "node on port " + port + " answering /healthz",
        () -> {
          if (!node.isAlive()) {
            throw new AssertionError("the node exited:\n" + node.log());
          }
          try (Socket s = connect(port)) {
            s.setSoTimeout(2000);
            return exchange(s, HEALTHZ).startsWith("HTTP/1.1 200");
          } catch (IOException e) {
            return false;
          }
        });
  }

  /** A TLS connection trusting any certificate (the node's is self-signed), handshake done. */
  private static Socket connectTls(int port) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          null);
      SSLSocket s =
          (SSLSocket) context.getSocketFactory().createSocket(connect(port), "localhost", port, true);
      s.setSoTimeout(5000);
      s.startHandshake();
      return s;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    return s;
  }

  /** Sends {@code request} and reads one response with a body of "ok" (Content-Length). */
  private static String exchange(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    StringBuilder text = new StringBuilder();
    int headEnd = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return text.toString();
      }
      text.append((char) b);
      if (headEnd < 0 && text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
        headEnd = text.length();
      }
      if (headEnd >= 0) {
        int length = contentLength(text.substring(0, headEnd));
        if (text.length() - headEnd >= length) {
          return text.toString();
        }
      }
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  /** Whether the peer closes (EOF or reset) within {@code within}. */
  private static boolean closedWithin(Socket s, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    InputStream in = s.getInputStream();
    while (System.nanoTime() < deadline) {
      s.setSoTimeout((int) Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
      try {
        if (in.read() < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // still open
      } catch (IOException e) {
        return true;
      }
    }
    return false;
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
