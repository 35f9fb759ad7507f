package dev.faas.nats;

import io.nats.client.impl.Headers;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's live-log messages on their way to NATS (docs/decisions/0023): a bounded queue, in
 * messages and in bytes, drained in order by one thread of its own. {@link #offer} never blocks:
 * a message that does not fit, or that the connection refuses, is dropped and its bytes counted
 * ({@link #droppedBytes()}). jnats' own publish can block (a full outgoing queue waits), and the
 * function's output stream must not.
 */
final class LiveLogPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveLogPublisher.class);
  /** Messages waiting at most, all activations of the worker together. */
  static final int MAX_PENDING = 1024;
  /** Bytes waiting at most: a few activations' worth of capped logs. */
  static final long MAX_PENDING_BYTES = 4L * 1024 * 1024;

  /** One message to publish. */
  record Pending(String subject, Headers headers, byte[] body) {}

  private final Consumer<Pending> send;
  private final int maxPending;
  private final long maxPendingBytes;
  private final BlockingQueue<Pending> queue;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong droppedBytes = new AtomicLong();
  private final AtomicLong droppedMessages = new AtomicLong();
  private final Object lock = new Object();
  private Thread drainer; // guarded by lock
  private boolean closed; // guarded by lock

  /**
   * @param send publishes one message; may block, may throw (the message is then counted as
   *     dropped)
   */
  LiveLogPublisher(Consumer<Pending> send) {
    this(send, MAX_PENDING, MAX_PENDING_BYTES);
  }

  LiveLogPublisher(Consumer<Pending> send, int maxPending, long maxPendingBytes) {
    this.send = send;
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
    this.queue = new ArrayBlockingQueue<>(maxPending);
  }

  /**
   * Whether a message of {@code size} bytes may join {@code pending} messages of {@code
   * pendingBytes}: the bound on both, decided alone.
   */
  static boolean fits(int pending, long pendingBytes, int size, int maxPending, long maxBytes) {
    return pending < maxPending && pendingBytes + size <= maxBytes;
  }

  /** Queues {@code message}, or drops and counts it; never blocks. */
  boolean offer(Pending message) {
    int size = message.body().length;
    if (!fits(queue.size(), pendingBytes.get(), size, maxPending, maxPendingBytes)) {
      dropped(size);
      return false;
    }
    pendingBytes.addAndGet(size);
    if (!queue.offer(message)) {
      pendingBytes.addAndGet(-size);
      dropped(size);
      return false;
    }
    startDrainer();
    return true;
  }

  /** Bytes of stderr dropped so far, never sent. */
  long droppedBytes() {
    return droppedBytes.get();
  }

  /** Messages dropped so far (chunks, and empty ones that only say alive or ended). */
  long droppedMessages() {
    return droppedMessages.get();
  }

  private void dropped(int size) {
    droppedBytes.addAndGet(size);
    droppedMessages.incrementAndGet();
  }

  private void startDrainer() {
    synchronized (lock) {
      if (drainer != null || closed) {
        return;
      }
      drainer = new Thread(this::drain, "nats-live-logs");
      drainer.setDaemon(true);
      drainer.start();
    }
  }

  private void drain() {
    while (!Thread.currentThread().isInterrupted()) {
      Pending next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      pendingBytes.addAndGet(-next.body().length);
      try {
        send.accept(next);
      } catch (RuntimeException e) {
        dropped(next.body().length);
        log.debug("Live log message to [{}] not sent: [{}]", next.subject(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (drainer != null) {
        drainer.interrupt();
      }
    }
  }
}
