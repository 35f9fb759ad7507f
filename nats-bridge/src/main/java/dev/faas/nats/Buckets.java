package dev.faas.nats;

import dev.faas.actors.store.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bucket handles of one connection once they are set up, and who wants to hear when they
 * (again) are. Stores ask it for a handle on every call, so a call made while NATS is away fails
 * at once instead of waiting for its timeout.
 */
final class Buckets {
  static final String USERS = "users";
  static final String FUNCTIONS = "functions";
  static final String ACTIVATIONS = "activations";
  static final String CONFIG = "config";
  static final String REGISTRIES = "registries";
  static final String IMAGES = "images";
  static final String KEYS = "keys";

  private static final Logger log = LoggerFactory.getLogger(Buckets.class);

  private final Executor control;
  private final Duration requestTimeout;
  private final List<Runnable> readyListeners = new CopyOnWriteArrayList<>();
  private volatile Connection connection;
  private volatile Map<String, KeyValue> handles = Map.of();
  private volatile JetStream jetStream; // of connection, made on first use after each setup

  /**
   * @param control the thread ready listeners run on, the bridge's own
   * @param requestTimeout the JetStream context's timeout for its API calls
   */
  Buckets(Executor control, Duration requestTimeout) {
    this.control = control;
    this.requestTimeout = requestTimeout;
  }

  /**
   * The handle of {@code bucket}.
   *
   * @throws StoreException.Unavailable when not connected or the buckets are not set up yet
   */
  KeyValue kv(String bucket) {
    Connection c = connection;
    if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
      throw new StoreException.Unavailable("not connected to NATS", null);
    }
    KeyValue kv = handles.get(bucket);
    if (kv == null) {
      throw new StoreException.Unavailable("bucket [" + bucket + "] is not set up yet", null);
    }
    return kv;
  }

  /** The connection of the last setup, null before the first; it may be reconnecting. */
  Connection connection() {
    return connection;
  }

  /**
   * The JetStream context of the current connection, shared by everything that publishes to a
   * stream (the activation queue, the records' asynchronous puts).
   *
   * @throws IOException when the connection cannot make one
   */
  JetStream jetStream() throws IOException {
    JetStream js = jetStream;
    if (js == null) {
      Connection c = connection;
      if (c == null) {
        throw new IOException("not connected to NATS");
      }
      js = c.jetStream(JetStreamOptions.builder().requestTimeout(requestTimeout).build());
      jetStream = js;
    }
    return js;
  }

  /** Connected, with every bucket set up. */
  boolean isReady() {
    Connection c = connection;
    return c != null && c.getStatus() == Connection.Status.CONNECTED && !handles.isEmpty();
  }

  /**
   * Records a finished bucket setup and runs every ready listener. Called on the control thread
   * after each (re)connect, so listeners hear of every reconnect, not only the first.
   */
  void setUp(Connection c, Map<String, KeyValue> kvs) {
    connection = c;
    jetStream = null;
    handles = Map.copyOf(kvs);
    for (Runnable r : readyListeners) {
      runQuietly(r);
    }
  }

  /**
   * Runs {@code listener} after each bucket setup from now on, and soon once more if the buckets
   * are set up already. Close the result to stop.
   */
  AutoCloseable onReady(Runnable listener) {
    readyListeners.add(listener);
    if (isReady()) {
      try {
        control.execute(() -> runQuietly(listener));
      } catch (RejectedExecutionException e) {
        log.debug("Bridge closed, ready listener not run");
      }
    }
    return () -> readyListeners.remove(listener);
  }

  void clear() {
    readyListeners.clear();
    handles = Map.of();
  }

  private static void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // One broken listener must not keep the others from hearing about the reconnect.
      log.error("Ready listener failed", e);
    }
  }
}
