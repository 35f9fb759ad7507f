package dev.faas.docker;

import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdin-only attach of one run. docker-java writes the input from a thread of its own and
 * never ends the call, and for a container created with {@code StdinOnce} the engine keeps the
 * call open until the container stops. Closing the call is what makes the engine close the
 * container's stdin (ENVIRONMENT.md, gotcha 2), so this callback is closed once the whole input
 * has been written: {@link #input} tells when docker-java's writer has read its last byte.
 */
final class StdinCallback extends EngineCallback<Frame> {
  private static final Logger log = LoggerFactory.getLogger(StdinCallback.class);

  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Thread> written = new CompletableFuture<>();

  /** The stream to hand docker-java; completes {@link #written()} when it reports end of input. */
  InputStream input(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      private boolean first = true;

      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return observed(super.read(b, off, len));
      }

      @Override
      public synchronized int read() {
        return observed(super.read());
      }

      private int observed(int n) {
        if (first) {
          first = false;
          // docker-java's writer thread, one per call, dies with an exception when the call is
          // closed while it still writes (the process never read all its input): expected here,
          // so it is logged quietly instead of printed by the default handler.
          Thread.currentThread()
              .setUncaughtExceptionHandler(
                  (thread, e) -> log.debug("Stdin writer [{}] ended: {}", thread.getName(), e));
        }
        if (n < 0) {
          written.complete(Thread.currentThread());
        }
        return n;
      }
    };
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

  /** Ends the call; the engine then closes the container's stdin: the process sees end of input. */
  @Override
  public void close() {
    super.close();
  }
}
