package dev.faas.docker;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines for the blocking part of engine calls: a call still blocked when its deadline passes
 * has its thread interrupted.
 *
 * <p>Why an interrupt: docker-java reads a Unix-socket engine through a {@code SocketChannel},
 * whose blocking reads ignore the socket timeout the transport sets (seen here: a kill and a
 * removal blocked for minutes on a container the engine could not stop, holding their pooled
 * connections). An interrupted channel read closes the channel at once, so the call fails, its
 * connection is discarded instead of returned to the pool, and its thread is free again. On a
 * TCP engine the transport's socket timeout bounds the same reads; the interrupt also ends a wait
 * for a pooled connection on either.
 *
 * <p>A call is started and ended on the same thread; ending it clears an interrupt its own
 * deadline caused, so the thread goes back to its pool clean.
 */
final class Deadlines implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Deadlines.class);

  private final ScheduledThreadPoolExecutor timer;
  private final AtomicLong expired = new AtomicLong();

  Deadlines() {
    timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "docker-deadlines");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Starts a call on the current thread that must end within {@code limit}. */
  Call start(Duration limit, String what) {
    Call call = new Call(Thread.currentThread(), what, limit);
    call.timeout = timer.schedule(call::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
    return call;
  }

  /** Calls cut at their deadline since this instance was made. */
  long expiredCount() {
    return expired.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One call under a deadline. */
  final class Call {
    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int EXPIRED = 2;

    private final Thread thread;
    private final String what;
    private final Duration limit;
    private volatile ScheduledFuture<?> timeout;
    private int state = RUNNING;

    private Call(Thread thread, String what, Duration limit) {
      this.thread = thread;
      this.what = what;
      this.limit = limit;
    }

    /** True when the deadline passed before the call ended. */
    synchronized boolean expired() {
      return state == EXPIRED;
    }

    /** What the call was, and its limit, for the failure a caller reports. */
    String describe() {
      return what + " within " + limit.toMillis() + " ms";
    }

    /**
     * Ends the call; on the thread that started it. Clears the interrupt its deadline caused, if
     * it came: the interrupt and this end cannot cross, both hold this call's lock.
     */
    void end() {
      boolean interrupted;
      synchronized (this) {
        interrupted = state == EXPIRED;
        if (state == RUNNING) {
          state = ENDED;
        }
      }
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      if (interrupted) {
        Thread.interrupted();
      }
    }

    private synchronized void expire() {
      if (state != RUNNING) {
        return;
      }
      state = EXPIRED;
      expired.incrementAndGet();
      log.debug("Engine call [{}] passed its deadline of [{}] ms: cutting its connection", what,
          limit.toMillis());
      thread.interrupt();
    }
  }
}
