package dev.faas.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ACTIVATIONS} work-queue stream and its {@code workers} consumer: together they are
 * the cluster-wide admission limit. The stream holds at most {@code maxConcurrent} messages and
 * refuses the next publish (discard-new); a message leaves only when its worker acks or terms it,
 * so an unfinished activation holds its place, and a crashed holder's place comes back through
 * redelivery after the ack wait.
 *
 * <p>Routing (docs/decisions/0005): a request may instead be published on {@code
 * faas.activations.worker.<workerId>}, which only that worker's own consumer ({@code
 * w-<workerId>}, made by the worker) delivers. Both subjects are in the one stream, so the bound
 * counts them together; the shared consumer is filtered to the shared subject, as a work queue
 * requires of consumers side by side.
 *
 * <p>Every node runs {@link #ensure} after every (re)connect, like the bucket setup.
 */
final class ActivationStream {
  static final String STREAM = "ACTIVATIONS";
  static final String SUBJECT = "faas.activations.submit";
  static final String CONSUMER = "workers";
  static final String ROUTED_PREFIX = "faas.activations.worker.";
  /** A worker gone for this long takes its consumer with it (the server deletes it). */
  static final Duration ROUTED_CONSUMER_INACTIVE = Duration.ofHours(1);
  /** Fits a 1 MiB parameter with the request header, and a 1 MiB result with its record. */
  static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
  // Longer than the longest function timeout (300 s) plus queueing: only a message whose every
  // holder vanished with no worker left to drop it can grow this old.
  static final Duration MAX_AGE = Duration.ofMinutes(10);
  static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(ActivationStream.class);
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;

  private ActivationStream() {}

  /** Creates the stream and the consumer, or brings their limits to these settings. */
  static void ensure(Connection conn, NatsSettings settings)
      throws IOException, JetStreamApiException {
    JetStreamManagement jsm =
        conn.jetStreamManagement(
            JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build());
    ensureStream(jsm, stream(settings));
    // Creating a durable with another configuration updates the updatable fields (ack wait,
    // max ack pending, max deliver); an identical one is a no-op.
    try {
      jsm.addOrUpdateConsumer(STREAM, consumer(settings));
    } catch (JetStreamApiException e) {
      // A consumer made before routing has no filter, and a server may refuse to add one: keep
      // it as it is. Workers then fail to make their own consumers (a work queue refuses
      // overlapping ones), so they announce no warm functions and nothing is routed.
      log.error(
          "Consumer [{}] of stream [{}] could not take the filter [{}] ({}): routing to warm"
              + " workers is off until it is recreated (delete it while no activation runs)",
          CONSUMER, STREAM, SUBJECT, e.getMessage());
      jsm.addOrUpdateConsumer(
          STREAM, ConsumerConfiguration.builder(consumer(settings)).filterSubject(null).build());
    }
  }

  static StreamConfiguration stream(NatsSettings settings) {
    return StreamConfiguration.builder()
        .name(STREAM)
        .description("activation requests; its bound is the cluster-wide concurrency limit")
        .subjects(SUBJECT, ROUTED_PREFIX + "*")
        .retentionPolicy(RetentionPolicy.WorkQueue)
        .maxMessages(settings.maxConcurrent())
        .discardPolicy(DiscardPolicy.New)
        .storageType(StorageType.File)
        .replicas(settings.kvReplicas())
        .maximumMessageSize(MAX_MESSAGE_BYTES)
        .maxAge(MAX_AGE)
        .duplicateWindow(DUPLICATE_WINDOW)
        .build();
  }

  static ConsumerConfiguration consumer(NatsSettings settings) {
    return ConsumerConfiguration.builder()
        .durable(CONSUMER)
        .filterSubject(SUBJECT)
        .ackPolicy(AckPolicy.Explicit)
        .ackWait(settings.ackWait())
        // The stream never holds more than maxConcurrent, so no more can be pending.
        .maxAckPending(settings.maxConcurrent())
        // Unlimited: on a work queue a message past its max deliveries would stay in the stream
        // and hold its place forever. Redeliveries are dropped by the worker instead.
        .maxDeliver(-1)
        .build();
  }

  /** The subject of requests routed to {@code workerId} alone. */
  static String routedSubject(String workerId) {
    return ROUTED_PREFIX + Subjects.nodeId(workerId);
  }

  /** The name of {@code workerId}'s own consumer. */
  static String routedConsumerName(String workerId) {
    return "w-" + Subjects.nodeId(workerId);
  }

  /** {@code workerId}'s own consumer: like the shared one, on its routed subject only. */
  static ConsumerConfiguration routedConsumer(NatsSettings settings, String workerId) {
    return ConsumerConfiguration.builder(consumer(settings))
        .durable(routedConsumerName(workerId))
        .filterSubject(routedSubject(workerId))
        .inactiveThreshold(ROUTED_CONSUMER_INACTIVE)
        .build();
  }

  /** Creates or updates {@code workerId}'s own consumer. */
  static void ensureRouted(Connection conn, NatsSettings settings, String workerId)
      throws IOException, JetStreamApiException {
    conn.jetStreamManagement(
            JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build())
        .addOrUpdateConsumer(STREAM, routedConsumer(settings, workerId));
  }

  private static void ensureStream(JetStreamManagement jsm, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    try {
      reconcile(jsm, jsm.getStreamInfo(STREAM).getConfiguration(), wanted);
      return;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    try {
      jsm.addStream(wanted);
      log.info("Created stream [{}] with a bound of [{}]", STREAM, wanted.getMaxMsgs());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
      reconcile(jsm, jsm.getStreamInfo(STREAM).getConfiguration(), wanted);
    }
  }

  // The limits follow this node's settings, the last node to connect wins: all nodes must be
  // configured alike. Replicas, like the buckets', are left to an operator.
  private static void reconcile(
      JetStreamManagement jsm, StreamConfiguration current, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    if (current.getReplicas() != wanted.getReplicas()) {
      log.warn(
          "Stream [{}] has [{}] replicas, settings ask for [{}]; keeping it",
          STREAM,
          current.getReplicas(),
          wanted.getReplicas());
    }
    if (current.getRetentionPolicy() != wanted.getRetentionPolicy()
        || current.getDiscardPolicy() != wanted.getDiscardPolicy()) {
      // Neither can be changed in place, and without both the bound is no admission limit.
      throw new IllegalStateException(
          "stream " + STREAM + " exists with retention " + current.getRetentionPolicy()
              + " and discard " + current.getDiscardPolicy() + "; delete it to let nodes recreate it");
    }
    if (current.getMaxMsgs() == wanted.getMaxMsgs()
        && current.getMaximumMessageSize() == wanted.getMaximumMessageSize()
        && Objects.equals(current.getMaxAge(), wanted.getMaxAge())
        && Objects.equals(current.getDuplicateWindow(), wanted.getDuplicateWindow())
        && current.getSubjects().equals(wanted.getSubjects())) {
      return;
    }
    StreamInfo updated =
        jsm.updateStream(
            StreamConfiguration.builder(wanted).replicas(current.getReplicas()).build());
    if (current.getMaxMsgs() != wanted.getMaxMsgs()) {
      // Lowering it makes the server discard the oldest requests over the new bound, running or
      // not: one more reason for every node to be configured alike.
      log.warn(
          "Stream [{}] bound changed from [{}] to [{}]: every node must configure the same"
              + " maximum of concurrent activations",
          STREAM,
          current.getMaxMsgs(),
          updated.getConfiguration().getMaxMsgs());
    } else {
      log.info("Stream [{}] limits updated to this node's settings", STREAM);
    }
  }
}
