package dev.faas.docker;

import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdin-only attach of one run. docker-java writes the input from a thread of its own and
 * never ends the call, and for a container created with {@code StdinOnce} the engine keeps the
 * call open until the container stops. Closing the call is what makes the engine close the
 * container's stdin (ENVIRONMENT.md, gotcha 2), so this callback is closed once the whole input
 * has been written: {@link #written()} tells when docker-java's writer has read its last byte.
 *
 * <p>The attach can be made before the input is known (a container waiting in the warm pool):
 * docker-java's writer then blocks reading {@link #input()} until {@link #release} hands it the
 * bytes, so the activation itself spends no round trip on attaching.
 */
final class StdinCallback extends EngineCallback<Frame> {
  private static final Logger log = LoggerFactory.getLogger(StdinCallback.class);

  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Thread> written = new CompletableFuture<>();
  private final CompletableFuture<byte[]> bytes = new CompletableFuture<>();

  /**
   * The stream to hand docker-java: it blocks until {@link #release}, then yields the input and
   * completes {@link #written()} when docker-java reads its end.
   */
  InputStream input() {
    return new InputStream() {
      private boolean first = true;
      private ByteArrayInputStream data;

      @Override
      public synchronized int read(byte[] b, int off, int len) throws IOException {
        return observed(data().read(b, off, len));
      }

      @Override
      public synchronized int read() throws IOException {
        return observed(data().read());
      }

      private ByteArrayInputStream data() throws IOException {
        if (first) {
          first = false;
          // docker-java's writer thread, one per call, dies with an exception when the call is
          // closed while it still writes (the process never read all its input), or when the
          // container goes before any input: expected here, so it is logged quietly instead of
          // printed by the default handler.
          Thread.currentThread()
              .setUncaughtExceptionHandler(
                  (thread, e) -> log.debug("Stdin writer [{}] ended: {}", thread.getName(), e));
        }
        if (data == null) {
          try {
            data = new ByteArrayInputStream(bytes.get());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the input", e);
          } catch (ExecutionException e) {
            throw new IOException("no input: the run was abandoned", e.getCause());
          }
        }
        return data;
      }

      private int observed(int n) {
        if (n < 0) {
          written.complete(Thread.currentThread());
        }
        return n;
      }
    };
  }

  /** Hands {@code input} to docker-java's writer; only the first call counts. */
  void release(byte[] input) {
    bytes.complete(input.clone());
  }

  /** Completes when the engine has accepted the attach. */
  CompletableFuture<Void> started() {
    return started;
  }

  /**
   * Completes with docker-java's writer thread once it has read the end of the input, i.e. every
   * byte before it has been written and flushed to the socket.
   */
  CompletableFuture<Thread> written() {
    return written;
  }

  @Override
  protected void answered() {
    started.complete(null);
  }

  @Override
  public void onNext(Frame frame) {
    // A stdin-only attach carries no output.
  }

  @Override
  public void onError(Throwable failure) {
    started.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    started.complete(null);
  }

  /**
   * Ends the call; the engine then closes the container's stdin: the process sees end of input.
   * A writer still waiting for input is let go without writing anything.
   */
  @Override
  public void close() {
    bytes.completeExceptionally(new IllegalStateException("stdin attach closed"));
    super.close();
  }
}
