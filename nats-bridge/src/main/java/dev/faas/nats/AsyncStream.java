package dev.faas.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog of asynchronous activations (docs/decisions/0020): the {@code ASYNC} stream, one
 * subject per user ({@code faas.async.<owner>}), file storage, replicated like the buckets. Its
 * per-subject bound is {@code FAAS_ASYNC_BACKLOG_PER_USER} and its whole bound {@code
 * FAAS_ASYNC_BACKLOG}, both discard-new: the server refuses a submission past either, exactly,
 * however many API nodes submit. A message leaves when its activation is final.
 *
 * <p>Two buckets go with it: {@code async-keys} (idempotency keys, 24 h) and {@code leases} (the
 * dispatcher's lease, a few seconds). Only API nodes use them; they ensure them after every
 * (re)connect.
 */
final class AsyncStream {
  static final String STREAM = "ASYNC";
  static final String PREFIX = "faas.async.";
  static final String KEYS_BUCKET = "async-keys";
  static final String LEASES_BUCKET = "leases";
  static final Duration KEY_TTL = Duration.ofHours(24);
  static final Duration LEASE_TTL = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(AsyncStream.class);
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;

  private AsyncStream() {}

  /** {@code faas.async.<owner>}. */
  static String subject(String owner) {
    return PREFIX + Keys.owner(owner);
  }

  static StreamConfiguration configuration(
      NatsSettings settings, int backlog, int backlogPerUser) {
    return StreamConfiguration.builder()
        .name(STREAM)
        .description("waiting asynchronous activations, one subject per user")
        .subjects(PREFIX + "*")
        .retentionPolicy(RetentionPolicy.Limits)
        .discardPolicy(DiscardPolicy.New)
        .discardNewPerSubject(true)
        .maxMessagesPerSubject(backlogPerUser)
        .maxMessages(backlog)
        .maximumMessageSize(ActivationStream.MAX_MESSAGE_BYTES)
        .storageType(StorageType.File)
        .replicas(settings.kvReplicas())
        .maxAge(settings.activationTtl())
        .duplicateWindow(ActivationStream.DUPLICATE_WINDOW)
        .build();
  }

  static void ensure(Connection conn, NatsSettings settings, int backlog, int backlogPerUser)
      throws IOException, JetStreamApiException {
    JetStreamManagement jsm =
        conn.jetStreamManagement(
            JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build());
    StreamConfiguration wanted = configuration(settings, backlog, backlogPerUser);
    Optional<StreamConfiguration> existing = Streams.existingOrCreate(jsm, wanted);
    if (existing.isPresent()
        && (existing.get().getMaxMsgs() != wanted.getMaxMsgs()
            || existing.get().getMaxMsgsPerSubject() != wanted.getMaxMsgsPerSubject())) {
      // Like the other bounded streams: the last node to connect wins.
      jsm.updateStream(
          StreamConfiguration.builder(wanted).replicas(existing.get().getReplicas()).build());
      log.warn("Stream [{}] bounds changed to [{}] and [{}] per user", STREAM, backlog,
          backlogPerUser);
    }
    KeyValueManagement kvm =
        conn.keyValueManagement(
            KeyValueOptions.builder().jsRequestTimeout(settings.requestTimeout()).build());
    bucket(kvm, settings, KEYS_BUCKET, "idempotency keys by <owner>.<sha256 of key>", KEY_TTL);
    bucket(kvm, settings, LEASES_BUCKET, "leases of cluster-wide single tasks", LEASE_TTL);
  }

  private static void bucket(
      KeyValueManagement kvm, NatsSettings settings, String name, String what, Duration ttl)
      throws IOException, JetStreamApiException {
    try {
      kvm.getStatus(name);
      return;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    try {
      kvm.create(
          KeyValueConfiguration.builder()
              .name(name)
              .description(what)
              .storageType(StorageType.File)
              .replicas(settings.kvReplicas())
              .maxHistoryPerKey(1)
              .ttl(ttl)
              .build());
      log.info("Created bucket [{}]", name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
    }
  }
}
