package dev.faas.node.edge;

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
                    "FAAS_HTTP_HEADER_TIMEOUT", "3s",
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
    awaitHealthy(node, port);
    awaitHealthy(capped, cappedPort);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.stop();
    }
    if (capped != null) {
      capped.stop();
    }
  }

  @Test
  void healthzAnswersWithin1sBeside1100IdleSockets() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 1100; i++) {
        idle.add(connect(port));
      }
      long start = System.nanoTime();
      try (Socket probe = connect(port)) {
        probe.setSoTimeout(1000);
        String answer = exchange(probe, HEALTHZ);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 1000, "/healthz took " + millis + " ms");
    } finally {
      closeAll(idle);
    }
  }

  @Test
  void slowlorisIsClosedByTheHeaderTimeout() throws Exception {
    try (Socket s = connect(port)) {
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      byte[] head = "GET /healthz HTTP/1.1\r\nHost: node\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      boolean closed = false;
      // One header byte every 2 s, as the audit's client did; the header timeout is 3 s.
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
      assertTrue(closed, "a client dribbling its header was still served after " + seconds + " s");
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
