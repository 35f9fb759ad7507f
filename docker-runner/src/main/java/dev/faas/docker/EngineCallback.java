package dev.faas.docker;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The part every streaming engine call's callback shares (attach, wait, events): the call can be
 * closed once, from any thread, before or after the engine has answered. A close that comes before
 * the engine's answer is honoured as soon as there is a connection to close.
 */
abstract class EngineCallback<T> implements ResultCallback<T> {
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Closeable stream;

  @Override
  public final void onStart(Closeable closeable) {
    stream = closeable;
    answered();
    if (closing.get()) {
      closeQuietly(closeable);
    }
  }

  /** The engine has accepted the call; called once, on docker-java's thread. */
  protected void answered() {}

  /** True once {@link #close()} was called: what the call reports afterwards is an intended end. */
  protected final boolean closing() {
    return closing.get();
  }

  /** Ends the call; a closed call completes with what it already delivered. Idempotent. */
  @Override
  public void close() {
    if (closing.compareAndSet(false, true)) {
      Closeable s = stream;
      if (s != null) {
        closeQuietly(s);
      }
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // Closing an already broken connection can fail; the call is over either way.
    }
  }
}
