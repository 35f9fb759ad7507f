package dev.faas.nats;

import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.CallbackQueue;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CallbackQueue} on the {@code CALLBACKS} work-queue stream (docs/decisions/0026): one
 * message per callback to deliver, subject {@code callbacks.<owner>} (outside {@code faas.>}, so
 * no worker can queue one), the activation id as message id (a second enqueue within the
 * duplicate window is dropped by the server), file storage, replicated like the buckets. Every
 * API node pulls from its one durable consumer: a task is handed to one node at a time, back to
 * another after the ack wait when that node dies; a failed attempt is handed out again after its
 * backoff ({@code nak} with a delay). Only API nodes use it: their NATS user may do everything.
 */
public final class NatsCallbackQueue implements CallbackQueue, AutoCloseable {
  static final String STREAM = "CALLBACKS";
  static final String PREFIX = "callbacks.";
  static final String CONSUMER = "callback-senders";
  /** A node that took a task and went silent this long hands it to another. */
  static final Duration ACK_WAIT = Duration.ofSeconds(60);
  /** Callbacks not delivered within a day are dropped by the stream. */
  static final Duration MAX_AGE = Duration.ofHours(24);
  static final String ID = "Faas-Activation-Id";
  static final String URL = "Faas-Callback-Url";

  private final Buckets buckets;
  private final NatsSettings settings;
  private final AutoCloseable registration;
  private volatile ConsumerContext context;
  private volatile Connection contextConnection;

  /** @param capacity the most callbacks waiting in all: one more is refused */
  NatsCallbackQueue(Buckets buckets, NatsSettings settings, long capacity) {
    this.buckets = buckets;
    this.settings = settings;
    this.registration =
        buckets.onReady(
            () -> {
              context = null;
              try {
                ensure(buckets.connection(), settings, capacity);
              } catch (Exception e) {
                throw new IllegalStateException("the callback queue could not be set up", e);
              }
            });
  }

  static void ensure(Connection conn, NatsSettings settings, long capacity)
      throws IOException, JetStreamApiException {
    JetStreamManagement jsm =
        conn.jetStreamManagement(
            JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build());
    StreamConfiguration wanted =
        StreamConfiguration.builder()
            .name(STREAM)
            .description("completion callbacks to deliver, one subject per user")
            .subjects(PREFIX + "*")
            .retentionPolicy(RetentionPolicy.WorkQueue)
            .discardPolicy(DiscardPolicy.New)
            .maxMessages(capacity)
            .maximumMessageSize(64 * 1024)
            .storageType(StorageType.File)
            .replicas(settings.kvReplicas())
            .maxAge(MAX_AGE)
            .duplicateWindow(ActivationStream.DUPLICATE_WINDOW)
            .build();
    Streams.existingOrCreate(jsm, wanted); // its capacity is the first node's, like the buckets'
    jsm.addOrUpdateConsumer(
        STREAM,
        ConsumerConfiguration.builder()
            .durable(CONSUMER)
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(ACK_WAIT)
            .maxAckPending(1000)
            .build());
  }

  @Override
  public void enqueue(Task task) {
    Headers headers = new Headers();
    headers.put(ID, task.activationId());
    headers.put(URL, task.url());
    NatsMessage message =
        NatsMessage.builder()
            .subject(PREFIX + Keys.owner(task.owner()))
            .headers(headers)
            .data(new byte[0])
            .build();
    try {
      buckets
          .jetStream()
          .publish(
              message,
              PublishOptions.builder()
                  .expectedStream(STREAM)
                  .messageId("callback-" + task.activationId())
                  .build());
    } catch (JetStreamApiException e) {
      if (Admission.isFull(e)) {
        throw new AdmissionRefused.Full(dev.faas.actors.outcome.LimitReached.CLUSTER);
      }
      throw new AdmissionRefused.Unavailable("the callback queue refused a callback", e);
    } catch (Exception e) {
      throw new AdmissionRefused.Unavailable("the callback queue cannot be reached", e);
    }
  }

  @Override
  public List<Delivery> take(int max, Duration wait) {
    List<Delivery> taken = new ArrayList<>();
    if (!buckets.isReady()) {
      return taken;
    }
    try (FetchConsumer fetch =
        consumer()
            .fetch(
                FetchConsumeOptions.builder()
                    .maxMessages(max)
                    .noWaitExpiresIn(Math.max(1000, wait.toMillis()))
                    .build())) {
      Message m;
      while (taken.size() < max && (m = fetch.nextMessage()) != null) {
        taken.add(delivery(m));
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      context = null;
      if (taken.isEmpty()) {
        throw new AdmissionRefused.Unavailable("the callback queue cannot be read", e);
      }
    }
    return taken;
  }

  private static Delivery delivery(Message m) {
    String owner = m.getSubject().substring(PREFIX.length());
    Headers h = m.getHeaders();
    Task task = new Task(owner, h.getFirst(ID), h.getFirst(URL));
    int attempt = (int) Math.min(Integer.MAX_VALUE, m.metaData().deliveredCount());
    return new Delivery() {
      @Override
      public Task task() {
        return task;
      }

      @Override
      public int attempt() {
        return attempt;
      }

      @Override
      public void done() {
        m.ack();
      }

      @Override
      public void retryAfter(Duration delay) {
        m.nakWithDelay(delay);
      }
    };
  }

  private ConsumerContext consumer() throws Exception {
    Connection conn = buckets.connection();
    ConsumerContext c = context;
    if (c == null || contextConnection != conn) {
      c =
          conn.getStreamContext(
                  STREAM,
                  JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build())
              .getConsumerContext(CONSUMER);
      context = c;
      contextConnection = conn;
    }
    return c;
  }

  @Override
  public void close() {
    try {
      registration.close();
    } catch (Exception e) {
      // nothing held
    }
  }
}
