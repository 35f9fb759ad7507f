package dev.faas.nats;

import dev.faas.actors.store.ConfigStore;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.UserStore;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener.Events;
import io.nats.client.KeyValue;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's one NATS connection and the key-value stores on it.
 *
 * <p>{@link #connect} returns at once, whether NATS is up or not: the first connection is made in
 * the background and retried until a server answers, then jnats reconnects forever. After every
 * (re)connect the bridge makes sure the buckets exist, then tells the watches to start over.
 * Until then {@link #isReady()} is false and store calls fail at once with {@code
 * StoreException.Unavailable}.
 *
 * <p>The bridge's own control thread runs the connect attempts, the bucket setup and the watch
 * subscriptions; store calls run on the executor given to {@link #connect}.
 */
public final class NatsBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NatsBridge.class);
  private static final long SETUP_RETRY_MIN_MILLIS = 500;
  private static final long SETUP_RETRY_MAX_MILLIS = 15_000;

  private final NatsSettings settings;
  private final ScheduledExecutorService control;
  private final Buckets buckets;
  private final NatsUserStore users;
  private final NatsFunctionStore functions;
  private final NatsConfigStore config;
  private Connection connection; // guarded by this
  private long setupRetryMillis = SETUP_RETRY_MIN_MILLIS; // control thread only
  private volatile boolean closed;

  private NatsBridge(NatsSettings settings, Executor blocking) {
    this.settings = settings;
    this.control =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nats-bridge-" + settings.connectionName());
              t.setDaemon(true);
              return t;
            });
    this.buckets = new Buckets(control);
    this.users = new NatsUserStore(new KvCalls(buckets, Buckets.USERS, blocking), buckets, control);
    this.functions =
        new NatsFunctionStore(
            new KvCalls(buckets, Buckets.FUNCTIONS, blocking),
            buckets,
            control,
            settings.requestTimeout());
    this.config = new NatsConfigStore(new KvCalls(buckets, Buckets.CONFIG, blocking));
  }

  /**
   * Starts connecting to NATS and returns at once.
   *
   * @param settings servers and bucket shape
   * @param blocking where blocking key-value calls run (a dispatcher meant for blocking work)
   * @return a bridge that becomes ready once connected and set up
   */
  public static NatsBridge connect(NatsSettings settings, Executor blocking) {
    NatsBridge bridge = new NatsBridge(settings, blocking);
    ConnectionEvents events =
        new ConnectionEvents(settings.connectionName(), bridge::onConnectionEvent);
    new InitialConnect(
            NatsOptions.build(settings, events),
            settings.connectionName(),
            bridge.control,
            () -> bridge.closed,
            bridge::adopt)
        .start();
    return bridge;
  }

  /** Users, keyed by username. */
  public UserStore users() {
    return users;
  }

  /** Functions, keyed by {@code <owner>.<name>}. */
  public FunctionStore functions() {
    return functions;
  }

  /** Cluster-wide settings such as the token signing key. */
  public ConfigStore config() {
    return config;
  }

  /** True while connected with every bucket set up: what {@code /readyz} reports. */
  public boolean isReady() {
    return !closed && buckets.isReady();
  }

  /** The connection, once the first one is made; for the activation transport. */
  synchronized Optional<Connection> connection() {
    return Optional.ofNullable(connection);
  }

  /**
   * The handle of {@code bucket}, for this package's other users (activation records).
   *
   * @throws dev.faas.actors.store.StoreException.Unavailable when not ready
   */
  KeyValue bucket(String bucket) {
    return buckets.kv(bucket);
  }

  /**
   * Closes the connection; watches stop and store calls fail from now on. The blocking executor
   * is the caller's and stays open.
   */
  @Override
  public void close() {
    Connection c;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
    }
    buckets.clear();
    control.shutdownNow();
    if (c != null) {
      closeQuietly(c);
    }
  }

  private void adopt(Connection conn) {
    synchronized (this) {
      if (closed) {
        closeQuietly(conn);
        return;
      }
      connection = conn;
    }
    setUp(conn);
  }

  // Called on a jnats thread: hand over to the control thread and return.
  private void onConnectionEvent(Connection conn, Events type) {
    if (type != Events.RECONNECTED || closed) {
      return;
    }
    try {
      control.execute(() -> setUp(conn));
    } catch (RejectedExecutionException e) {
      log.debug("Bridge [{}] closed, ignoring reconnect", settings.connectionName());
    }
  }

  private void setUp(Connection conn) {
    if (closed || conn.getStatus() != Connection.Status.CONNECTED) {
      return; // the next RECONNECTED brings us back
    }
    try {
      Map<String, KeyValue> handles = BucketSetup.ensure(conn, settings);
      buckets.setUp(conn, handles);
      setupRetryMillis = SETUP_RETRY_MIN_MILLIS;
      log.info("NATS buckets ready on [{}]", settings.connectionName());
    } catch (Exception e) {
      // Right after a server restart JetStream may still be recovering its streams: retry soon.
      // A server without JetStream never will: back off so the log is not flooded.
      log.warn(
          "Bucket setup on [{}] failed, retrying in [{}] ms: [{}]",
          settings.connectionName(),
          setupRetryMillis,
          e.getMessage());
      if (!closed && conn.getStatus() == Connection.Status.CONNECTED) {
        control.schedule(() -> setUp(conn), setupRetryMillis, TimeUnit.MILLISECONDS);
        setupRetryMillis = Math.min(setupRetryMillis * 2, SETUP_RETRY_MAX_MILLIS);
      }
    }
  }

  private static void closeQuietly(Connection conn) {
    try {
      conn.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
