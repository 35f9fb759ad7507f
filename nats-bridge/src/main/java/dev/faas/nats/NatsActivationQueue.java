package dev.faas.nats;

import dev.faas.actors.activation.ActivationQueue;
import dev.faas.actors.activation.ActivationQueue.Link;
import dev.faas.actors.activation.ActivationRequest;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.ConcurrencyUsage;
import dev.faas.actors.activation.WorkerEvent;
import dev.faas.actors.model.FunctionSpec;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An API node's side of the activation transport: submits to the {@code ACTIVATIONS} stream and
 * routes the workers' replies to the waiting activations.
 *
 * <ul>
 *   <li>One subscription per node on {@code faas.reply.<nodeId>.*}, made once per connection
 *       (jnats renews it across reconnects), dispatches each reply by its last token to the
 *       listener of that activation. The node id must be unique in the cluster.
 *   <li>A submit is one asynchronous JetStream publish, with the activation id as the message id
 *       (the stream drops a duplicate) and the stream sequence as the ticket. It never waits
 *       longer than the request timeout, and fails at once while not connected.
 *   <li>Failures map to {@link AdmissionRefused}: the stream's "maximum messages exceeded"
 *       (JetStream API error 10077) is {@link AdmissionRefused.Full}; everything else (not
 *       connected, timed out, no responders, any other API error) is {@link
 *       AdmissionRefused.Unavailable}.
 * </ul>
 */
public final class NatsActivationQueue
    implements ActivationQueue, ConcurrencyUsage, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NatsActivationQueue.class);
  /** Workers announce every second: routed to only while their last word is this recent. */
  static final Duration ROUTE_WINDOW = Duration.ofSeconds(2);

  private final String nodeId;
  private final Buckets buckets;
  private final Duration timeout;
  private final Executor blocking;
  private final LiveWorkers liveWorkers;
  private final Withdrawals withdrawals;
  private final ActivationPermits permits;
  private final LinkChanges linkChanges;
  private final Map<String, Consumer<WorkerEvent>> listeners = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private AutoCloseable readyRegistration; // guarded by lock
  private Dispatcher dispatcher; // guarded by lock
  private volatile Connection subscribedOn;
  private volatile boolean closed;

  NatsActivationQueue(
      String nodeId,
      Buckets buckets,
      NatsSettings settings,
      Executor blocking,
      LinkChanges linkChanges) {
    this.nodeId = Subjects.nodeId(nodeId);
    this.buckets = buckets;
    this.timeout = settings.requestTimeout();
    this.blocking = blocking;
    this.liveWorkers =
        new LiveWorkers(settings.liveWorkerWindow(), ROUTE_WINDOW, System::nanoTime);
    this.withdrawals = new Withdrawals(buckets, timeout);
    this.permits = new ActivationPermits(this::release);
    this.linkChanges = linkChanges;
  }

  /** Subscribes once the connection is set up; called once by the bridge. */
  void start() {
    AutoCloseable registration = buckets.onReady(this::subscribe);
    synchronized (lock) {
      readyRegistration = registration;
    }
  }

  /**
   * The subject a worker answers {@code activationId} on, for {@link
   * ActivationRequest#replyTo()}.
   *
   * @throws IllegalArgumentException when the id is not a valid activation id
   */
  public String replyToFor(String activationId) {
    return Subjects.reply(nodeId, activationId);
  }

  /** {@inheritDoc} A second listener for the same id replaces the first. */
  @Override
  public AutoCloseable listen(String activationId, Consumer<WorkerEvent> onEvent) {
    listeners.put(activationId, onEvent);
    return () -> {
      listeners.remove(activationId, onEvent);
      permits.done(activationId);
    };
  }

  @Override
  public CompletionStage<Long> submit(ActivationRequest request) {
    return publish(request, ActivationStream.SUBJECT, request.activationId());
  }

  /**
   * {@inheritDoc} Published on the worker's own subject, under a message id of its own, so that
   * the fallback for any worker is not taken for a duplicate of it.
   */
  @Override
  public CompletionStage<Long> submit(ActivationRequest request, String worker) {
    String subject;
    try {
      subject = ActivationStream.routedSubject(worker);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new AdmissionRefused.Unavailable(e.getMessage(), e));
    }
    return publish(request, subject, request.activationId() + "-routed");
  }

  @Override
  public Optional<String> warmWorker(FunctionSpec function) {
    return liveWorkers.warmWorker(function.key());
  }

  private CompletionStage<Long> publish(ActivationRequest request, String subject, String msgId) {
    Connection conn = subscribedOn;
    if (!isListening()) {
      return CompletableFuture.failedFuture(
          new AdmissionRefused.Unavailable("not connected to NATS", null));
    }
    MessageCodec.Encoded message = MessageCodec.encode(request);
    if (message.size() > conn.getMaxPayload()) {
      return CompletableFuture.failedFuture(
          new AdmissionRefused.Unavailable(
              "request of " + message.size() + " bytes is over the server's max payload of "
                  + conn.getMaxPayload(), null));
    }
    // The permits first (docs/decisions/0015), named in the message so that its worker gives
    // them back; a submit after a withdrawal (a fallback) takes them afresh.
    ActivationPermits.Entry entry = permits.of(request.activationId());
    entry.submitting();
    Permits.Held taken = entry.held();
    CompletableFuture<Permits.Held> held;
    if (taken != null) {
      held = CompletableFuture.completedFuture(taken);
    } else {
      held = new CompletableFuture<>();
      try {
        blocking.execute(
            () -> {
              try {
                Permits.Held p = Permits.acquire(conn, timeout, request.function());
                entry.took(p);
                held.complete(p);
              } catch (RuntimeException e) {
                held.completeExceptionally(e);
              }
            });
      } catch (RuntimeException e) {
        held.completeExceptionally(e);
      }
    }
    CompletableFuture<Long> ticket = new CompletableFuture<>();
    held.whenComplete(
        (p, refused) -> {
          if (refused != null) {
            entry.submitted(0);
            ticket.completeExceptionally(Admission.refusal(refused));
          } else {
            publishHolding(request, subject, msgId, message, p, entry, ticket);
          }
        });
    // Bounded here rather than by jnats: its own publish timeout depends on its cleanup timer.
    // The permits and the publish each have the request timeout: the whole at most twice it.
    return ticket
        .orTimeout(2 * timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(Admission.refusal(failure)));
  }

  private void publishHolding(
      ActivationRequest request,
      String subject,
      String msgId,
      MessageCodec.Encoded message,
      Permits.Held held,
      ActivationPermits.Entry entry,
      CompletableFuture<Long> ticket) {
    PublishOptions options =
        PublishOptions.builder()
            .expectedStream(ActivationStream.STREAM)
            .messageId(msgId)
            .build();
    CompletableFuture<PublishAck> published;
    try {
      published =
          jetStream()
              .publishAsync(subject, held.addTo(message.headers()), message.body(), options);
    } catch (RuntimeException e) {
      entry.submitted(0);
      ticket.completeExceptionally(Admission.refusal(e));
      return;
    }
    published.whenComplete(
        (ack, failure) -> {
          if (failure != null) {
            entry.submitted(0);
            ticket.completeExceptionally(Admission.refusal(failure));
            return;
          }
          entry.submitted(ack.getSeqno());
          if (!ticket.complete(ack.getSeqno())) {
            // Accepted after its caller was told it was not: free the place nobody waits on.
            log.info("Activation [{}] accepted after its submit timed out, withdrawing it",
                request.activationId());
            withdrawals
                .withdraw(ack.getSeqno(), blocking)
                .thenRun(() -> entry.withdrawn(ack.getSeqno()));
          }
        });
  }

  // Never under a lock, on the blocking executor; a failure leaves the permits to the streams'
  // max age.
  private void release(Permits.Held held) {
    Connection conn = subscribedOn;
    if (conn == null) {
      return;
    }
    try {
      blocking.execute(
          () -> {
            try {
              Permits.release(conn, timeout, held);
            } catch (RuntimeException e) {
              log.warn("Permits [{}] not given back (they expire at the streams' max age): [{}]",
                  held, e.getMessage());
            }
          });
    } catch (RuntimeException e) {
      log.warn("Permits [{}] not given back: [{}]", held, e.getMessage());
    }
  }

  /** {@inheritDoc} The messages on the owner's subject of the per-user permit stream. */
  @Override
  public CompletionStage<Integer> held(String owner) {
    Connection conn = subscribedOn;
    if (!isListening()) {
      return CompletableFuture.failedFuture(
          new AdmissionRefused.Unavailable("not connected to NATS", null));
    }
    return CompletableFuture.supplyAsync(() -> Permits.held(conn, timeout, owner), blocking);
  }

  @Override
  public CompletionStage<Void> withdraw(long ticket) {
    ActivationPermits.Entry entry = permits.byTicket(ticket);
    CompletionStage<Void> done = withdrawals.withdraw(ticket, blocking);
    if (entry == null) {
      return done;
    }
    // Withdrawn or already gone: no worker will settle this message later, so this node gives
    // the permits back, before the caller (a fallback) submits again and takes them afresh.
    return done.thenRun(() -> entry.withdrawn(ticket));
  }

  @Override
  public int liveWorkers() {
    return liveWorkers.count();
  }

  /**
   * {@inheritDoc} Connected while the reply subscription is made and the connection is up; the
   * count moves on every loss and every return of the connection. It is read on both sides of
   * the connection's status, so an outage that ended between two readings still shows.
   */
  @Override
  public Link link() {
    long before = linkChanges.count();
    boolean connected = isListening();
    long after = linkChanges.count();
    return new Link(connected && before == after, after);
  }

  /** True once the reply subscription is made and the connection is up: submits can succeed. */
  boolean isListening() {
    Connection conn = subscribedOn;
    return !closed && conn != null && conn.getStatus() == Connection.Status.CONNECTED;
  }

  /** Stops routing replies; listeners hear nothing more. */
  @Override
  public void close() {
    AutoCloseable registration;
    Dispatcher d;
    synchronized (lock) {
      closed = true;
      registration = readyRegistration;
      d = dispatcher;
      dispatcher = null;
    }
    listeners.clear();
    try {
      if (registration != null) {
        registration.close();
      }
      if (d != null && subscribedOn != null) {
        subscribedOn.closeDispatcher(d);
      }
    } catch (Exception e) {
      log.debug("Reply subscription of node [{}] did not close cleanly", nodeId, e);
    }
  }

  // On the bridge's control thread after each setup; jnats keeps the subscription across
  // reconnects of the same connection, so only a new connection needs a new one.
  private void subscribe() {
    Connection conn = buckets.connection();
    synchronized (lock) {
      if (closed || conn == null || conn == subscribedOn) {
        return;
      }
      dispatcher = conn.createDispatcher();
      dispatcher.subscribe(Subjects.replies(nodeId), this::onReply);
      dispatcher.subscribe(Subjects.WORKER_HEARTBEAT, liveWorkers::onAnnouncement);
      subscribedOn = conn;
    }
    log.info("Node [{}] listening for replies and worker announcements", nodeId);
  }

  private void onReply(Message message) {
    String activationId = Subjects.lastToken(message.getSubject());
    Consumer<WorkerEvent> listener = listeners.get(activationId);
    if (listener == null) {
      log.debug("No listener for a reply to activation [{}]", activationId);
      return;
    }
    WorkerEvent event;
    try {
      event = MessageCodec.decodeEvent(message.getHeaders(), message.getData());
    } catch (UncheckedIOException e) {
      log.warn("Ignoring an undecodable reply to activation [{}]: [{}]", activationId,
          e.getMessage());
      return;
    }
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      log.error("Listener of activation [{}] failed", activationId, e);
    }
  }

  private JetStream jetStream() {
    try {
      return buckets.jetStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
