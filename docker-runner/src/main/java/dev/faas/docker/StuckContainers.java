package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers the engine did not remove in time, set aside and removed in the background.
 *
 * <p>Why: the engine can hang on one container (a {@code containerd-shim} that stops answering,
 * a container whose output the engine is still copying): its kill and removal block until the
 * engine lets go, for seconds or for good. Whoever was removing it should not wait for that, nor
 * retry in a loop of its own: the container is handed over here, logged once, counted, and its
 * removal is tried again with exponential backoff (from {@code minBackoff} to {@code maxBackoff},
 * then at that pace for as long as it takes), one attempt at a time per container and at most
 * {@code maxAttempts} attempts in flight overall, so that stuck containers never hold more than
 * that many engine connections and threads, whatever their number.
 */
final class StuckContainers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StuckContainers.class);

  /** One container set aside: since when, why, and how many removals have failed. */
  record Entry(String id, Instant since, String why, int attempts) {
    Entry failedOnce() {
      return new Entry(id, since, why, attempts + 1);
    }
  }

  private final DockerClient control;
  private final Executor executor;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final int maxAttempts;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong setAside = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private final ScheduledThreadPoolExecutor timer;

  StuckContainers(
      DockerClient control,
      Executor executor,
      Duration minBackoff,
      Duration maxBackoff,
      int maxAttempts) {
    this.control = control;
    this.executor = executor;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.maxAttempts = maxAttempts;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "docker-stuck-containers");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Takes container {@code id} over: from now on its removal is this object's. Logged once per
   * container; a container already set aside stays as it is.
   */
  void setAside(String id, Throwable why) {
    Entry entry = new Entry(id, Instant.now(), String.valueOf(Async.cause(why).getMessage()), 0);
    if (entries.putIfAbsent(id, entry) != null) {
      return;
    }
    setAside.incrementAndGet();
    log.warn(
        "Container [{}] set aside: the engine did not remove it ([{}]); removing it in the"
            + " background",
        id,
        entry.why());
    schedule(id, minBackoff);
  }

  /** True while container {@code id} waits here for its removal. */
  boolean contains(String id) {
    return entries.containsKey(id);
  }

  /** The ids set aside now. */
  Set<String> ids() {
    return Set.copyOf(entries.keySet());
  }

  /** How many containers wait here now. */
  int count() {
    return entries.size();
  }

  /** Containers set aside since this runtime started. */
  long setAsideTotal() {
    return setAside.get();
  }

  /** Containers set aside and removed since, by a later attempt. */
  long removedTotal() {
    return removed.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void schedule(String id, Duration delay) {
    if (timer.isShutdown()) {
      return;
    }
    timer.schedule(() -> attempt(id), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void attempt(String id) {
    Entry entry = entries.get(id);
    if (entry == null) {
      return;
    }
    if (inFlight.incrementAndGet() > maxAttempts) {
      inFlight.decrementAndGet();
      schedule(id, minBackoff);
      return;
    }
    Async.run(executor, () -> control.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec())
        .whenComplete(
            (ok, failure) -> {
              inFlight.decrementAndGet();
              if (failure == null || EngineErrors.isNotFound(failure)) {
                entries.remove(id);
                removed.incrementAndGet();
                log.info(
                    "Container [{}] removed after [{}] further attempts, [{}] s after it was set"
                        + " aside",
                    id,
                    entry.attempts() + 1,
                    Duration.between(entry.since(), Instant.now()).toSeconds());
                return;
              }
              Entry failed = entry.failedOnce();
              entries.replace(id, entry, failed);
              log.debug(
                  "Container [{}] still not removed (attempt [{}]): [{}]",
                  id,
                  failed.attempts(),
                  Async.cause(failure).toString());
              schedule(id, backoff(failed.attempts()));
            });
  }

  /** The pause after {@code failures} failed attempts: doubling from min, capped at max. */
  Duration backoff(int failures) {
    long millis = minBackoff.toMillis() << Math.min(failures, 20);
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
