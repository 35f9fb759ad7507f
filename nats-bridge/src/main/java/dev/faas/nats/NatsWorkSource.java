package dev.faas.nats;

import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.WorkItem;
import dev.faas.actors.activation.WorkSource;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the activation transport: pulls from the durable {@code workers} consumer
 * and announces the worker on {@value Subjects#WORKER_HEARTBEAT}.
 *
 * <p>A pull is one "no wait with expiry" fetch: the server answers as soon as any request is
 * there (up to {@code max}), or empty at the expiry, so a worker is never kept waiting for a
 * full batch. jnats takes no expiry under 1 s: shorter waits are raised to 1 s. A message that
 * does not decode is terminated (it could never run) and logged, never handed out.
 *
 * <p>Made for one worker id, it also pulls from that worker's own consumer (made on its first
 * routed pull, and again after a failure), and its announcements carry the functions the worker
 * holds pre-started containers for, but only once that consumer exists: API nodes route only to
 * workers that can pull what is routed to them (docs/decisions/0005).
 */
public final class NatsWorkSource implements WorkSource {
  private static final Logger log = LoggerFactory.getLogger(NatsWorkSource.class);
  private static final long MIN_WAIT_MILLIS = 1_000;

  private final Buckets buckets;
  private final NatsSettings settings;
  private final Duration timeout;
  private final Executor blocking;
  private final String workerId;
  private final LiveLogPublisher liveLogs;
  private volatile Connection contextConnection;
  private volatile ConsumerContext context;
  private volatile Connection routedConnection;
  private volatile ConsumerContext routedContext;

  /** @param workerId the worker routed requests are pulled for; null: the shared queue only */
  NatsWorkSource(Buckets buckets, NatsSettings settings, Executor blocking, String workerId) {
    this(buckets, settings, blocking, workerId, null);
  }

  /** @param liveLogs where the items' live logs go (docs/decisions/0023); null for none */
  NatsWorkSource(
      Buckets buckets,
      NatsSettings settings,
      Executor blocking,
      String workerId,
      LiveLogPublisher liveLogs) {
    this.liveLogs = liveLogs;
    this.buckets = buckets;
    this.settings = settings;
    this.timeout = settings.requestTimeout();
    this.blocking = blocking;
    this.workerId = workerId;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs on the blocking executor; fails at once with an {@link IllegalStateException} while
   * not connected, so the worker retries later instead of spinning on empty pulls.
   */
  @Override
  public CompletionStage<List<WorkItem>> pull(int max, Duration wait) {
    if (max <= 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    return pull(max, wait, false);
  }

  @Override
  public boolean routes() {
    return workerId != null;
  }

  /** {@inheritDoc} Makes the worker's own consumer first if this connection has not. */
  @Override
  public CompletionStage<List<WorkItem>> pullRouted(int max, Duration wait) {
    if (max <= 0 || workerId == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    return pull(max, wait, true);
  }

  private CompletionStage<List<WorkItem>> pull(int max, Duration wait, boolean routed) {
    CompletableFuture<List<WorkItem>> items = new CompletableFuture<>();
    try {
      blocking.execute(() -> fetch(max, wait, items, routed));
    } catch (RejectedExecutionException e) {
      items.completeExceptionally(new IllegalStateException("executor shut down", e));
    }
    return items;
  }

  /**
   * {@inheritDoc} Best effort: skipped while not connected (the API nodes then forget the
   * worker). The warm functions are announced only while this worker's own consumer is ready on
   * the current connection; without it nothing routed to the worker could be pulled.
   */
  @Override
  public void announce(String workerId, int freeSlots, Set<String> warmFunctions) {
    Connection conn = buckets.connection();
    if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    boolean routable =
        this.workerId != null
            && this.workerId.equals(workerId)
            && routedContext != null
            && routedConnection == conn;
    List<String> warm = routable ? List.copyOf(new TreeSet<>(warmFunctions)) : List.of();
    try {
      conn.publish(
          Subjects.WORKER_HEARTBEAT,
          LiveWorkers.CODEC.encode(new LiveWorkers.Announcement(workerId, freeSlots, warm)));
    } catch (RuntimeException e) {
      log.debug("Announcement of worker [{}] not sent: [{}]", workerId, e.getMessage());
    }
  }

  private void fetch(
      int max, Duration wait, CompletableFuture<List<WorkItem>> items, boolean routed) {
    Connection conn = buckets.connection();
    if (!buckets.isReady()) {
      items.completeExceptionally(new IllegalStateException("not connected to NATS"));
      return;
    }
    long expiresMillis = Math.max(MIN_WAIT_MILLIS, wait.toMillis());
    List<WorkItem> pulled = new ArrayList<>();
    ConsumerContext from;
    try {
      from = routed ? routedConsumer(conn) : consumer(conn);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (routed) {
        routedContext = null;
      }
      items.completeExceptionally(e);
      return;
    }
    try (FetchConsumer fetch =
        from
            .fetch(
                FetchConsumeOptions.builder()
                    .maxMessages(max)
                    .noWaitExpiresIn(expiresMillis)
                    .build())) {
      Message message;
      while (pulled.size() < max && (message = fetch.nextMessage()) != null) {
        WorkItem item = item(message);
        if (item != null) {
          pulled.add(item);
        }
      }
      items.complete(pulled);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (routed) {
        routedContext = null; // made again on the next pull: the server may have lost it
      }
      if (pulled.isEmpty()) {
        items.completeExceptionally(e);
      } else {
        // Items taken are this worker's now: failing the pull would strand them until the ack
        // wait hands them out again, to be dropped unrun.
        log.warn("Pull ended early after [{}] items: [{}]", pulled.size(), e.toString());
        items.complete(pulled);
      }
    }
  }

  private WorkItem item(Message message) {
    ActivationRequest request;
    try {
      request = MessageCodec.decodeRequest(message.getHeaders(), message.getData());
    } catch (UncheckedIOException e) {
      log.error(
          "Terminating undecodable activation request at stream sequence [{}]: [{}]",
          message.metaData().streamSequence(),
          e.getMessage());
      message.term();
      return null;
    }
    return new NatsWorkItem(message, request, blocking, timeout, liveLogs);
  }

  private ConsumerContext routedConsumer(Connection conn) throws Exception {
    ConsumerContext c = routedContext;
    if (c == null || routedConnection != conn) {
      ActivationStream.ensureRouted(conn, settings, workerId);
      c = consumerContext(conn, ActivationStream.routedConsumerName(workerId));
      routedConnection = conn;
      routedContext = c;
    }
    return c;
  }

  private ConsumerContext consumer(Connection conn) throws Exception {
    ConsumerContext c = context;
    if (c == null || contextConnection != conn) {
      c = consumerContext(conn, ActivationStream.CONSUMER);
      context = c;
      contextConnection = conn;
    }
    return c;
  }

  /** The context of the stream's consumer {@code name} on {@code conn}. */
  private ConsumerContext consumerContext(Connection conn, String name) throws Exception {
    return conn.getStreamContext(
            ActivationStream.STREAM, JetStreamOptions.builder().requestTimeout(timeout).build())
        .getConsumerContext(name);
  }
}
