package dev.faas.nats;

import dev.faas.actors.activation.ActivationStore;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.ConcurrencyUsage;
import dev.faas.actors.activation.LiveLogFeed;
import dev.faas.actors.activation.WorkSource;
import dev.faas.actors.store.CallbackSecretStore;
import dev.faas.actors.store.ConfigStore;
import dev.faas.actors.store.ImagePullStore;
import dev.faas.actors.store.KeyStore;
import dev.faas.actors.store.FunctionStore;
import dev.faas.actors.store.RegistryCredentialStore;
import dev.faas.actors.store.UserStore;
import dev.faas.actors.tenancy.DataOwners;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener.Events;
import io.nats.client.KeyValue;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's one NATS connection, the key-value stores and the activation transport on it.
 *
 * <p>{@link #connect} returns at once, whether NATS is up or not: the first connection is made in
 * the background and retried until a server answers, then jnats reconnects forever. After every
 * (re)connect the bridge makes sure the buckets and the {@code ACTIVATIONS} stream exist (with
 * the stream's bound set to {@link NatsSettings#maxConcurrent()}), then tells the watches and
 * the reply subscriptions to start over. Until then {@link #isReady()} is false, store calls fail
 * at once with {@code StoreException.Unavailable} and submits with {@code
 * AdmissionRefused.Unavailable}.
 *
 * <p>The bridge's own control thread runs the connect attempts, the bucket setup and the watch
 * subscriptions; store calls run on the executor given to {@link #connect}.
 */
public final class NatsBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NatsBridge.class);
  private static final long SETUP_RETRY_MIN_MILLIS = 500;
  private static final long SETUP_RETRY_MAX_MILLIS = 15_000;
  /** Below this a 1 MiB parameter or result with its headers does not fit one message. */
  static final long RECOMMENDED_MAX_PAYLOAD = 2L * 1024 * 1024;

  private final NatsSettings settings;
  private final ScheduledExecutorService control;
  private final Buckets buckets;
  private final NatsUserStore users;
  private final NatsFunctionStore functions;
  private final NatsConfigStore config;
  private final NatsRegistryCredentialStore registries;
  private final NatsImagePullStore imagePulls;
  private final NatsKeyStore keys;
  private final NatsActivationStore activations;
  private final NatsWorkSource workSource;
  private final LiveLogPublisher liveLogPublisher;
  private final NatsLiveLogFeed liveLogFeed;
  private final NatsDataOwners dataOwners;
  private final Executor blocking;
  private final List<NatsActivationQueue> queues = new CopyOnWriteArrayList<>();
  private final LinkChanges linkChanges = new LinkChanges();
  private final CompletableFuture<String> fatal = new CompletableFuture<>();
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
    this.buckets = new Buckets(control, settings.requestTimeout());
    this.users = new NatsUserStore(new KvCalls(buckets, Buckets.USERS, blocking), buckets, control);
    this.functions =
        new NatsFunctionStore(
            new KvCalls(buckets, Buckets.FUNCTIONS, blocking),
            buckets,
            control,
            settings.requestTimeout());
    this.config = new NatsConfigStore(new KvCalls(buckets, Buckets.CONFIG, blocking));
    this.registries =
        new NatsRegistryCredentialStore(
            new KvCalls(buckets, Buckets.REGISTRIES, blocking), settings.requestTimeout());
    this.imagePulls =
        new NatsImagePullStore(new KvCalls(buckets, Buckets.IMAGES, blocking), buckets, control);
    this.keys =
        new NatsKeyStore(
            new KvCalls(buckets, Buckets.KEYS, blocking), buckets, control, settings.requestTimeout());
    this.activations =
        new NatsActivationStore(
            new KvCalls(buckets, Buckets.ACTIVATIONS, blocking), buckets, settings.requestTimeout());
    this.liveLogPublisher = new LiveLogPublisher(this::publishLiveLog);
    this.liveLogFeed = new NatsLiveLogFeed(buckets);
    this.workSource = new NatsWorkSource(buckets, settings, blocking, null, liveLogPublisher);
    this.dataOwners =
        new NatsDataOwners(
            buckets,
            new KvCalls(buckets, Buckets.REGISTRIES, blocking),
            settings.requestTimeout());
    this.blocking = blocking;
  }

  /**
   * Starts connecting to NATS and returns at once.
   *
   * @param settings servers and bucket shape
   * @param blocking where blocking key-value calls run (a dispatcher meant for blocking work)
   * @return a bridge that becomes ready once connected and set up
   */
  public static NatsBridge connect(NatsSettings settings, Executor blocking) {
    return connect(settings, NatsAuth.none(), blocking);
  }

  /**
   * As {@link #connect(NatsSettings, Executor)}, authenticating with {@code auth}: the server's
   * permissions for that user decide what this node may read (docs/decisions/0018).
   */
  public static NatsBridge connect(NatsSettings settings, NatsAuth auth, Executor blocking) {
    return connect(settings, auth, NatsTls.none(), blocking);
  }

  /**
   * As {@link #connect(NatsSettings, NatsAuth, Executor)}, over TLS when {@code tls} is enabled. A
   * server whose certificate {@code tls} does not trust fails the first connection for good:
   * {@link #fatal()} says why.
   */
  public static NatsBridge connect(
      NatsSettings settings, NatsAuth auth, NatsTls tls, Executor blocking) {
    NatsBridge bridge = new NatsBridge(settings, blocking);
    ConnectionEvents events =
        new ConnectionEvents(settings.connectionName(), bridge::onConnectionEvent);
    new InitialConnect(
            NatsOptions.build(settings, auth, tls, events),
            settings.connectionName(),
            bridge.control,
            () -> bridge.closed,
            bridge::adopt,
            events::lastException,
            bridge.fatal::complete)
        .start();
    return bridge;
  }

  /**
   * Completes, with the reason, when the bridge gave up connecting for a reason that waiting does
   * not mend (a server certificate it does not trust); never completes otherwise.
   */
  public CompletionStage<String> fatal() {
    return fatal;
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

  /** Workers' reports of the images they pulled, keyed by {@code <sha256 image>.<worker>}. */
  public ImagePullStore imagePulls() {
    return imagePulls;
  }

  /** Users' sealed registry credentials, keyed by {@code <owner>.<base64url host>}. */
  public RegistryCredentialStore registryCredentials() {
    return registries;
  }

  /** Users' API keys (hashed), keyed by {@code <owner>.<key id>}. */
  public KeyStore keys() {
    return keys;
  }

  /** Who owns registry credentials and activation records: the orphan janitor's look. */
  public DataOwners dataOwners() {
    return dataOwners;
  }

  /** Activation records, keyed by {@code <owner>.<activationId>}, kept for the settings' TTL. */
  public ActivationStore activations() {
    return activations;
  }

  /**
   * The API side of the activation transport for this node: submits to the bounded {@code
   * ACTIVATIONS} stream and receives workers' replies on {@code faas.reply.<nodeId>.*}. Make one
   * per node; it closes with the bridge.
   *
   * @param nodeId this node's id, unique in the cluster: letters, digits, {@code _} or {@code -}
   * @throws IllegalArgumentException when the node id cannot be a subject token
   */
  public NatsActivationQueue activationQueue(String nodeId) {
    NatsActivationQueue queue =
        new NatsActivationQueue(nodeId, buckets, settings, blocking, linkChanges);
    queues.add(queue);
    queue.start();
    return queue;
  }

  /**
   * The backlog of asynchronous activations (docs/decisions/0020), for an API node; it ensures
   * its stream and buckets after every (re)connect and closes with the bridge.
   *
   * @param backlog {@code FAAS_ASYNC_BACKLOG}
   * @param backlogPerUser {@code FAAS_ASYNC_BACKLOG_PER_USER}
   */
  public NatsAsyncBacklog asyncBacklog(int backlog, int backlogPerUser) {
    return new NatsAsyncBacklog(buckets, settings, backlog, backlogPerUser);
  }

  /**
   * The completion callbacks waiting to be delivered (docs/decisions/0026), set up on each
   * connect; API nodes only.
   *
   * @param capacity the most callbacks waiting in all
   */
  public NatsCallbackQueue callbackQueue(long capacity) {
    return new NatsCallbackQueue(buckets, settings, capacity);
  }

  /**
   * Users' callback signing secrets, in the {@code config} bucket (docs/decisions/0026); API
   * nodes only.
   *
   * @param fresh makes a new random secret
   */
  public CallbackSecretStore callbackSecrets(Supplier<String> fresh, Clock clock) {
    return new NatsCallbackSecrets(new KvCalls(buckets, Buckets.CONFIG, blocking), fresh, clock);
  }

  /**
   * How many permits of the per-user limit a user holds now, across the cluster
   * (docs/decisions/0015); fails while not connected.
   */
  public ConcurrencyUsage concurrencyUsage() {
    return owner -> {
      Connection conn = buckets.connection();
      if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
        return CompletableFuture.failedFuture(
            new AdmissionRefused.Unavailable("not connected to NATS", null));
      }
      return CompletableFuture.supplyAsync(
          () -> Permits.held(conn, settings.requestTimeout(), owner), blocking);
    };
  }

  /** The worker side of the activation transport: pulls from the {@code workers} consumer. */
  public WorkSource workSource() {
    return workSource;
  }

  /**
   * The worker side of the activation transport for worker {@code workerId}: as {@link
   * #workSource()}, and also pulls what API nodes route to this worker alone, and announces the
   * functions it holds pre-started containers for (docs/decisions/0005).
   *
   * @param workerId unique in the cluster: letters, digits, {@code _} or {@code -}
   */
  public WorkSource workSource(String workerId) {
    return new NatsWorkSource(
        buckets, settings, blocking, Subjects.nodeId(workerId), liveLogPublisher);
  }

  /**
   * An API node's side of the live logs: the messages workers send about one activation while it
   * runs (docs/decisions/0023).
   */
  public LiveLogFeed liveLogs() {
    return liveLogFeed;
  }

  /**
   * Bytes of live logs this node's runners produced that were never sent (the worker's bounded
   * queue was full, or NATS refused them): for {@code /metrics}.
   */
  public long liveLogDroppedBytes() {
    return liveLogPublisher.droppedBytes();
  }

  // On the publisher's own thread; a core NATS publish, fire and forget.
  private void publishLiveLog(LiveLogPublisher.Pending message) {
    Connection conn = buckets.connection();
    if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
      throw new IllegalStateException("not connected to NATS");
    }
    conn.publish(message.subject(), message.headers(), message.body());
  }

  /** True while connected with every bucket and the stream set up: what {@code /readyz} reports. */
  public boolean isReady() {
    return !closed && buckets.isReady();
  }

  /**
   * The handle of {@code bucket}, for this package's tests.
   *
   * @throws dev.faas.actors.store.StoreException.Unavailable when not ready
   */
  KeyValue bucket(String bucket) {
    return buckets.kv(bucket);
  }

  /** The connection of the last setup, for this package's tests; null before the first. */
  Connection connection() {
    return buckets.connection();
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
    queues.forEach(NatsActivationQueue::close);
    liveLogPublisher.close();
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
    if (type == Events.DISCONNECTED
        || type == Events.RECONNECTED
        || type == Events.CONNECTED
        || type == Events.CLOSED) {
      linkChanges.changed();
    }
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
      warnOnSmallPayload(conn);
      Map<String, KeyValue> handles = BucketSetup.ensure(conn, settings);
      ActivationStream.ensure(conn, settings);
      ActivationIndex.ensure(conn, settings);
      PermitStreams.ensure(conn, settings);
      buckets.setUp(conn, handles);
      setupRetryMillis = SETUP_RETRY_MIN_MILLIS;
      log.info("NATS buckets and stream ready on [{}]", settings.connectionName());
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

  private void warnOnSmallPayload(Connection conn) {
    long max = conn.getServerInfo().getMaxPayload();
    if (max < RECOMMENDED_MAX_PAYLOAD) {
      log.warn(
          "NATS server of [{}] allows messages of [{}] bytes only: 1 MiB parameters and results"
              + " will not fit. Run it with max_payload of at least 2MB (ours use 8MB); until then"
              + " large results are stored truncated and large requests are refused",
          settings.connectionName(),
          max);
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
