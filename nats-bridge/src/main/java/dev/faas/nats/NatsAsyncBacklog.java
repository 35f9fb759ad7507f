package dev.faas.nats;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.AdmissionRefused;
import dev.faas.actors.activation.AsyncBacklog;
import dev.faas.actors.activation.AsyncRequest;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.LimitReached;
import dev.faas.actors.store.StoreException;
import dev.faas.actors.trace.TraceContext;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link AsyncBacklog} on the {@code ASYNC} stream and its buckets ({@link AsyncStream}), and the
 * records' compare-and-set writes on the {@code activations} bucket. Blocking calls, each bounded
 * by the request timeout.
 */
public final class NatsAsyncBacklog implements AsyncBacklog, AutoCloseable {
  static final String ID = "Faas-Async-Id";
  static final String FUNCTION = "Faas-Function";
  static final String STARTED_BY = "Faas-Started-By";
  static final String REQUEST_ID = "Faas-Request-Id";
  static final String QUEUED_AT = "Faas-Queued-At";
  static final String CALLBACK_URL = "Faas-Callback-Url";
  private static final String LEASE_KEY = "async-dispatcher";
  private static final int NO_MESSAGE = 10037;

  private final Buckets buckets;
  private final NatsSettings settings;
  private final IndexWriter index;
  private final AutoCloseable registration;
  private long leaseRevision; // guarded by this
  // Handles of the two buckets of this connection, made at first use after each setup.
  private final Map<String, KeyValue> handles = new java.util.concurrent.ConcurrentHashMap<>();

  NatsAsyncBacklog(Buckets buckets, NatsSettings settings, int backlog, int backlogPerUser) {
    this.buckets = buckets;
    this.settings = settings;
    this.index = new IndexWriter(buckets, settings.requestTimeout());
    this.registration =
        buckets.onReady(
            () -> {
              handles.clear();
              try {
                AsyncStream.ensure(buckets.connection(), settings, backlog, backlogPerUser);
              } catch (Exception e) {
                throw new IllegalStateException("the async backlog could not be set up", e);
              }
            });
  }

  @Override
  public String remember(String owner, String key, String activationId) {
    KeyValue kv = kv(AsyncStream.KEYS_BUCKET);
    String k = Keys.owner(owner) + "." + sha256(key);
    try {
      kv.create(k, activationId.getBytes(StandardCharsets.US_ASCII));
      return activationId;
    } catch (JetStreamApiException e) {
      if (!KvCalls.isWrongRevision(e)) {
        throw unavailable("an idempotency key could not be stored", e);
      }
    } catch (Exception e) {
      throw unavailable("an idempotency key could not be stored", e);
    }
    try {
      KeyValueEntry found = kv.get(k);
      if (found == null || found.getValue() == null) {
        return remember(owner, key, activationId); // expired meanwhile
      }
      return new String(found.getValue(), StandardCharsets.US_ASCII);
    } catch (Exception e) {
      throw unavailable("an idempotency key could not be read", e);
    }
  }

  @Override
  public void forget(String owner, String key) {
    try {
      kv(AsyncStream.KEYS_BUCKET).delete(Keys.owner(owner) + "." + sha256(key));
    } catch (Exception e) {
      // Left to its time to live.
    }
  }

  @Override
  public long enqueue(AsyncRequest r) {
    Headers headers = new Headers();
    headers.put(ID, r.activationId());
    headers.put(FUNCTION, r.function());
    headers.put(QUEUED_AT, r.queuedAt().toString());
    if (r.startedBy() != null) {
      headers.put(STARTED_BY, r.startedBy());
    }
    if (r.requestId() != null) {
      headers.put(REQUEST_ID, r.requestId());
    }
    if (r.callbackUrl() != null) {
      headers.put(CALLBACK_URL, r.callbackUrl());
    }
    if (r.trace().present()) {
      headers.put(TraceContext.TRACEPARENT, r.trace().traceparent());
      if (r.trace().tracestate() != null) {
        headers.put(TraceContext.TRACESTATE, r.trace().tracestate());
      }
    }
    NatsMessage message =
        NatsMessage.builder()
            .subject(AsyncStream.subject(r.owner()))
            .headers(headers)
            .data(r.input())
            .build();
    try {
      return buckets
          .jetStream()
          .publish(
              message,
              PublishOptions.builder()
                  .expectedStream(AsyncStream.STREAM)
                  .messageId(r.activationId())
                  .build())
          .getSeqno();
    } catch (JetStreamApiException e) {
      if (Permits.isSubjectFull(e)) {
        throw new AdmissionRefused.Full(LimitReached.USER);
      }
      if (Admission.isFull(e)) {
        throw new AdmissionRefused.Full(LimitReached.CLUSTER);
      }
      throw unavailable("the backlog refused the activation", e);
    } catch (Exception e) {
      throw unavailable("the backlog cannot be reached", e);
    }
  }

  @Override
  public Map<String, Long> waiting() {
    Map<String, Long> counts = new LinkedHashMap<>();
    try {
      var state =
          jsm()
              .getStreamInfo(
                  AsyncStream.STREAM, StreamInfoOptions.filterSubjects(AsyncStream.PREFIX + "*"))
              .getStreamState();
      for (Subject s : state.getSubjects()) {
        counts.put(s.getName().substring(AsyncStream.PREFIX.length()), s.getCount());
      }
      return counts;
    } catch (Exception e) {
      throw unavailable("the backlog cannot be read", e);
    }
  }

  @Override
  public Optional<Queued> next(String owner, long from) {
    try {
      MessageInfo m =
          jsm().getNextMessage(AsyncStream.STREAM, Math.max(1, from), AsyncStream.subject(owner));
      return Optional.of(new Queued(m.getSeq(), request(owner, m)));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE || Withdrawals.isGone(e)) {
        return Optional.empty();
      }
      throw unavailable("the backlog cannot be read", e);
    } catch (Exception e) {
      throw unavailable("the backlog cannot be read", e);
    }
  }

  private static AsyncRequest request(String owner, MessageInfo m) {
    Headers h = m.getHeaders();
    return new AsyncRequest(
        h.getFirst(ID),
        owner,
        h.getFirst(FUNCTION),
        m.getData() == null ? new byte[0] : m.getData(),
        h.getFirst(STARTED_BY),
        h.getFirst(REQUEST_ID),
        Instant.parse(h.getFirst(QUEUED_AT)),
        h.getFirst(CALLBACK_URL),
        TraceContext.of(h.getFirst(TraceContext.TRACEPARENT), h.getFirst(TraceContext.TRACESTATE)));
  }

  @Override
  public void remove(long sequence) {
    try {
      jsm().deleteMessage(AsyncStream.STREAM, sequence, false);
    } catch (JetStreamApiException e) {
      if (!Withdrawals.isGone(e) && e.getApiErrorCode() != Permits.SEQUENCE_NOT_FOUND) {
        throw unavailable("a backlog message could not be removed", e);
      }
    } catch (Exception e) {
      throw unavailable("a backlog message could not be removed", e);
    }
  }

  @Override
  public synchronized boolean lease(String holder) {
    KeyValue kv = kv(AsyncStream.LEASES_BUCKET);
    byte[] me = holder.getBytes(StandardCharsets.US_ASCII);
    try {
      if (leaseRevision > 0) {
        try {
          leaseRevision = kv.update(LEASE_KEY, me, leaseRevision);
          return true;
        } catch (JetStreamApiException e) {
          leaseRevision = 0; // taken over, or expired and created by another
          if (!KvCalls.isWrongRevision(e)) {
            throw e;
          }
        }
      }
      try {
        leaseRevision = kv.create(LEASE_KEY, me);
        return true;
      } catch (JetStreamApiException e) {
        if (!KvCalls.isWrongRevision(e)) {
          throw e;
        }
      }
      KeyValueEntry current = kv.get(LEASE_KEY);
      if (current != null && holder.equals(current.getValueAsString())) {
        // Ours from before a restart of this bridge: renew it.
        leaseRevision = kv.update(LEASE_KEY, me, current.getRevision());
        return true;
      }
      return false;
    } catch (Exception e) {
      leaseRevision = 0;
      return false;
    }
  }

  @Override
  public Optional<Versioned<ActivationRecord>> read(String owner, String activationId) {
    try {
      KeyValueEntry e = kv(Buckets.ACTIVATIONS).get(Keys.activation(owner, activationId));
      return e == null || e.getValue() == null
          ? Optional.empty()
          : Optional.of(new Versioned<>(RecordCodec.decode(e.getValue()), e.getRevision()));
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw new StoreException.Unavailable("a record could not be read: " + e, e);
    }
  }

  @Override
  public long create(ActivationRecord record) {
    return write(record, "exists", KeyValue::create);
  }

  @Override
  public long update(ActivationRecord record, long revision) {
    return write(record, "changed", (kv, key, value) -> kv.update(key, value, revision));
  }

  /** One compare-and-set write of a record to the activations bucket. */
  @FunctionalInterface
  private interface RecordWrite {
    long apply(KeyValue kv, String key, byte[] value) throws Exception;
  }

  /** Writes {@code record}; a lost compare-and-set is a {@link Conflict} naming {@code conflict}. */
  private long write(ActivationRecord record, String conflict, RecordWrite write) {
    try {
      return write.apply(
          kv(Buckets.ACTIVATIONS), Keys.activation(record.owner(), record.activationId()),
          encode(record));
    } catch (JetStreamApiException e) {
      if (KvCalls.isWrongRevision(e)) {
        throw new Conflict("record " + record.activationId() + " " + conflict);
      }
      throw new StoreException.Unavailable("a record could not be written: " + e, e);
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw new StoreException.Unavailable("a record could not be written: " + e, e);
    }
  }

  @Override
  public void index(ActivationRecord record) {
    try {
      index
          .append(record)
          .get(settings.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException.Unavailable("indexing interrupted", e);
    } catch (Exception e) {
      throw new StoreException.Unavailable("a record could not be indexed: " + e, e);
    }
  }

  private byte[] encode(ActivationRecord record) {
    Connection conn = buckets.connection();
    long max = conn == null ? 1 << 20 : conn.getMaxPayload() - 1024;
    return RecordCodec.encode(record, (int) Math.min(Integer.MAX_VALUE, max)).value();
  }

  private KeyValue kv(String bucket) {
    if (Buckets.ACTIVATIONS.equals(bucket)) {
      return buckets.kv(bucket);
    }
    Connection conn = buckets.connection();
    if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
      throw new StoreException.Unavailable("not connected to NATS", null);
    }
    KeyValue cached = handles.get(bucket);
    if (cached != null) {
      return cached;
    }
    try {
      KeyValue kv =
          conn.keyValue(
              bucket,
              KeyValueOptions.builder().jsRequestTimeout(settings.requestTimeout()).build());
      handles.put(bucket, kv);
      return kv;
    } catch (Exception e) {
      throw new StoreException.Unavailable("bucket [" + bucket + "] cannot be reached", e);
    }
  }

  private JetStreamManagement jsm() throws java.io.IOException {
    Connection conn = buckets.connection();
    if (conn == null) {
      throw new java.io.IOException("not connected to NATS");
    }
    return conn.jetStreamManagement(
        JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build());
  }

  private static AdmissionRefused.Unavailable unavailable(String what, Exception e) {
    return new AdmissionRefused.Unavailable(what, e);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Durations of the lease, for tests. */
  static Duration leaseTtl() {
    return AsyncStream.LEASE_TTL;
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
