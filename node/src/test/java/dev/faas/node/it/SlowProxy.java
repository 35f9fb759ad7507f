package dev.faas.node.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a loopback port that holds every new connection for a while before it connects
 * it to its target: a registry behind it answers, only slowly (a pull that takes seconds), and a
 * registry stopped meanwhile is not reached at all.
 */
public final class SlowProxy implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final int targetPort;
  private final Duration delay;

  private SlowProxy(int targetPort, Duration delay) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.delay = delay;
    threads.execute(this::acceptAll);
  }

  /** A proxy to {@code 127.0.0.1:targetPort} holding each connection for {@code delay}. */
  public static SlowProxy to(int targetPort, Duration delay) throws IOException {
    return new SlowProxy(targetPort, delay);
  }

  /** {@code 127.0.0.1:port} of the proxy. */
  public String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.execute(() -> serve(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      // Held before the target is even asked: a target that goes away meanwhile is not reached.
      Thread.sleep(delay.toMillis());
      serve(client, new Socket(InetAddress.getLoopbackAddress(), targetPort));
    } catch (IOException e) {
      // The connection ended, or the target is not there.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve(Socket client, Socket target) throws IOException {
    try (target) {
      threads.execute(() -> pipe(target, client));
      pipe(client, target);
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      // Not closed here: closing a socket's stream closes the socket, both directions.
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      in.transferTo(out);
    } catch (IOException e) {
      // One side closed.
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
