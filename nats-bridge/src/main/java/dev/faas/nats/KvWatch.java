package dev.faas.nats;

import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.UncheckedIOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over a whole bucket that outlives reconnects and server restarts.
 *
 * <p>jnats' KV watch is an ordered push consumer: after a server restart it only notices the
 * lost consumer from missed heartbeats (several seconds) and then replays from where it stopped.
 * Rather than depend on that, this watch drops its subscription and makes a new one after every
 * bucket setup, which the bridge runs on each (re)connect. The new subscription delivers every
 * current entry (delete markers included) and then {@code caughtUp} again; listeners such as
 * {@code WatchedCache} are idempotent and revision-monotonic, so the redelivery is harmless and
 * nothing changed during the outage is missed.
 *
 * <p>Callbacks of a replaced subscription are dropped by generation, and every callback holds the
 * watch's lock, so the listener sees one ordered sequence and never two calls at once.
 */
final class KvWatch<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvWatch.class);
  private static final long RETRY_MILLIS = 1_000;

  private final Buckets buckets;
  private final String bucket;
  private final JsonCodec<T> codec;
  private final ChangeListener<T> listener;
  private final ScheduledExecutorService control;
  private final Object lock = new Object();
  private volatile AutoCloseable readyRegistration;
  private NatsKeyValueWatchSubscription subscription; // guarded by lock
  private long generation; // guarded by lock
  private boolean closed; // guarded by lock

  private KvWatch(
      Buckets buckets,
      String bucket,
      JsonCodec<T> codec,
      ChangeListener<T> listener,
      ScheduledExecutorService control) {
    this.buckets = buckets;
    this.bucket = bucket;
    this.codec = codec;
    this.listener = listener;
    this.control = control;
  }

  /** Starts watching; the first subscription is made on the control thread once ready. */
  static <T> KvWatch<T> start(
      Buckets buckets,
      String bucket,
      JsonCodec<T> codec,
      ChangeListener<T> listener,
      ScheduledExecutorService control) {
    KvWatch<T> watch = new KvWatch<>(buckets, bucket, codec, listener, control);
    watch.readyRegistration = buckets.onReady(watch::resubscribe);
    return watch;
  }

  private void resubscribe() {
    NatsKeyValueWatchSubscription old;
    long gen;
    synchronized (lock) {
      if (closed) {
        return;
      }
      old = subscription;
      subscription = null;
      gen = ++generation;
    }
    // Outside the lock: unsubscribing may wait on the dispatcher, whose thread may be waiting
    // for the lock to deliver an (already stale) entry.
    unsubscribeQuietly(old);
    NatsKeyValueWatchSubscription fresh;
    try {
      fresh = buckets.kv(bucket).watchAll(new Watcher(gen));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return;
      }
      // Not ready any more: the next setup brings us back. Still ready: the server was slow.
      log.warn("Watch on bucket [{}] could not start: [{}]", bucket, e.getMessage());
      if (buckets.isReady()) {
        control.schedule(this::resubscribe, RETRY_MILLIS, TimeUnit.MILLISECONDS);
      }
      return;
    }
    synchronized (lock) {
      if (closed || gen != generation) {
        old = fresh;
      } else {
        subscription = fresh;
        old = null;
      }
    }
    unsubscribeQuietly(old);
    log.debug("Watch on bucket [{}] subscribed, generation [{}]", bucket, gen);
  }

  /** Stops the watch; no listener call starts after this returns. */
  @Override
  public void close() {
    NatsKeyValueWatchSubscription old;
    synchronized (lock) {
      closed = true;
      old = subscription;
      subscription = null;
    }
    try {
      readyRegistration.close();
    } catch (Exception e) {
      log.debug("Ready registration of watch on [{}] did not close", bucket, e);
    }
    unsubscribeQuietly(old);
  }

  private void unsubscribeQuietly(NatsKeyValueWatchSubscription sub) {
    if (sub == null) {
      return;
    }
    try {
      sub.unsubscribe();
    } catch (RuntimeException e) {
      // A closed or reconnecting connection refuses; the server drops the consumer anyway.
      log.debug("Watch on bucket [{}] did not unsubscribe cleanly", bucket, e);
    }
  }

  private void deliver(KeyValueEntry entry) {
    switch (entry.getOperation()) {
      case PUT -> {
        T value;
        try {
          value = codec.decode(entry.getValue());
        } catch (UncheckedIOException e) {
          log.warn(
              "Skipping undecodable entry [{}] revision [{}] in bucket [{}]: [{}]",
              entry.getKey(),
              entry.getRevision(),
              bucket,
              e.getMessage());
          return;
        }
        listener.put(entry.getKey(), new Versioned<>(value, entry.getRevision()));
      }
      case DELETE, PURGE -> listener.removed(entry.getKey(), entry.getRevision());
      default -> log.debug("Ignoring [{}] entry for [{}]", entry.getOperation(), entry.getKey());
    }
  }

  /** The callbacks of one subscription, tagged with its generation. */
  private final class Watcher implements KeyValueWatcher {
    private final long gen;

    Watcher(long gen) {
      this.gen = gen;
    }

    @Override
    public void watch(KeyValueEntry entry) {
      synchronized (lock) {
        if (closed || gen != generation) {
          return;
        }
        try {
          deliver(entry);
        } catch (RuntimeException e) {
          // The dispatcher thread must survive a listener bug, or the watch would go silent.
          log.error("Listener of bucket [{}] failed on [{}]", bucket, entry.getKey(), e);
        }
      }
    }

    @Override
    public void endOfData() {
      synchronized (lock) {
        if (closed || gen != generation) {
          return;
        }
        try {
          listener.caughtUp();
        } catch (RuntimeException e) {
          log.error("Listener of bucket [{}] failed on caught-up", bucket, e);
        }
      }
    }
  }
}
