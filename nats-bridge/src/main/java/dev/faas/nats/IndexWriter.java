package dev.faas.nats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.activation.ActivationRecord;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Appends a record's two summaries to the activation index ({@link ActivationIndex}), each to the
 * head of its chain, without blocking a thread.
 *
 * <p>A summary names the sequence of the one it follows and is published with that sequence as
 * the subject's expected last sequence, so two writers appending to one chain at once cannot
 * both succeed: the loser reads the new head and tries again. The head this node last wrote is
 * remembered, so a node that writes an owner's records in a row publishes once per summary
 * without reading first. The message id ({@code <activationId>.o} or {@code .f}) makes a put
 * retried within the duplicate window store no second summary. Within a node, the appends to
 * one chain take turns (one publish in flight per chain): an owner's records are indexed at
 * most one per round trip per node, and writers collide only across nodes.
 */
final class IndexWriter {
  /** Enough for this many writers of one chain finishing at the same instant. */
  private static final int MAX_ATTEMPTS = 64;
  private static final int REMEMBERED_HEADS = 10_000;
  private static final int NO_MESSAGE = 10037;

  private final Buckets buckets;
  private final Duration timeout;
  private final Map<String, Long> heads =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > REMEMBERED_HEADS;
        }
      };

  private final Map<String, CompletableFuture<Void>> inFlight = new HashMap<>();

  IndexWriter(Buckets buckets, Duration timeout) {
    this.buckets = buckets;
    this.timeout = timeout;
  }

  /**
   * Publishes {@code record}'s summaries on its owner's chain and its function's chain (and, for a
   * record an API key started, on that key's chain and the key's chain of the function), in
   * parallel; completes when all are stored.
   *
   * @throws IllegalArgumentException at once when the owner or the function name is invalid
   */
  CompletableFuture<Void> append(ActivationRecord record) {
    String owner = ActivationIndex.ownerSubject(record.owner());
    String function = ActivationIndex.functionSubject(record.owner(), record.function());
    CompletableFuture<Void> both =
        CompletableFuture.allOf(chain(owner, record, ".o"), chain(function, record, ".f"));
    String key = record.startedBy();
    if (key == null) {
      return both;
    }
    String byKey = ActivationIndex.keySubject(record.owner(), key);
    String byKeyAndFunction =
        ActivationIndex.keyFunctionSubject(record.owner(), key, record.function());
    return CompletableFuture.allOf(
        both, chain(byKey, record, ".k"), chain(byKeyAndFunction, record, ".kf"));
  }

  private CompletableFuture<Void> chain(String subject, ActivationRecord record, String suffix) {
    return inTurn(
        subject, () -> link(subject, record, record.activationId() + suffix, 1, remembered(subject)));
  }

  /**
   * Runs {@code append} after every append to {@code subject} this node started before it: one
   * publish per chain in flight, so the writers of one node never collide with each other (only
   * with other nodes'), and the head they remember is the one they just wrote.
   */
  private CompletableFuture<Void> inTurn(
      String subject, Supplier<CompletableFuture<Void>> append) {
    synchronized (inFlight) {
      CompletableFuture<Void> before =
          inFlight.getOrDefault(subject, CompletableFuture.completedFuture(null));
      CompletableFuture<Void> mine =
          before.handle((ok, failure) -> null).thenCompose(x -> append.get());
      inFlight.put(subject, mine);
      mine.whenComplete(
          (ok, failure) -> {
            synchronized (inFlight) {
              inFlight.remove(subject, mine);
            }
          });
      return mine;
    }
  }

  private CompletableFuture<Void> link(
      String subject, ActivationRecord record, String messageId, int attempt, Long knownHead) {
    CompletableFuture<Long> head =
        knownHead != null ? CompletableFuture.completedFuture(knownHead) : head(subject);
    return head.thenCompose(
            previous -> publish(subject, record, messageId, previous)
                .handle(
                    (PublishAck ack, Throwable failure) -> {
                      if (failure == null) {
                        remember(subject, ack.getSeqno());
                        return CompletableFuture.<Void>completedFuture(null);
                      }
                      JetStreamApiException api = apiError(failure);
                      if (api == null
                          || !KvCalls.isWrongRevision(api)
                          || attempt >= MAX_ATTEMPTS) {
                        return CompletableFuture.<Void>failedFuture(failure);
                      }
                      forget(subject);
                      // Spread the writers that just collided, so the next round has a winner.
                      long pause = ThreadLocalRandom.current().nextLong(Math.min(attempt, 20) + 1);
                      return CompletableFuture.supplyAsync(
                              () -> null,
                              CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
                          .thenCompose(x -> link(subject, record, messageId, attempt + 1, null));
                    }))
        .thenCompose(f -> f);
  }

  private CompletableFuture<PublishAck> publish(
      String subject, ActivationRecord record, String messageId, long previous) {
    try {
      return buckets
          .jetStream()
          .publishAsync(
              subject,
              RecordCodec.encodeSummary(record, previous),
              PublishOptions.builder()
                  .expectedLastSubjectSequence(previous)
                  .messageId(messageId)
                  .build());
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The sequence of the last summary on {@code subject}, 0 when there is none, from the stream's
   * leader (a direct get may answer from a replica a little behind, and the publish would only
   * fail again).
   */
  private CompletableFuture<Long> head(String subject) {
    Connection conn = buckets.connection();
    if (conn == null) {
      return CompletableFuture.failedFuture(new IOException("not connected to NATS"));
    }
    byte[] request =
        ("{\"last_by_subj\":\"" + subject + "\"}").getBytes(StandardCharsets.US_ASCII);
    return conn.requestWithTimeout(
            "$JS.API.STREAM.MSG.GET." + ActivationIndex.STREAM, null, request, timeout)
        .thenApply(IndexWriter::lastSequence);
  }

  private static long lastSequence(Message reply) {
    JsonNode answer = Wire.parse(reply.getData());
    JsonNode error = answer.get("error");
    if (error != null) {
      if (error.path("err_code").asInt() == NO_MESSAGE) {
        return 0;
      }
      throw new IllegalStateException("reading the index head failed: " + error);
    }
    return answer.path("message").path("seq").asLong();
  }

  private Long remembered(String subject) {
    synchronized (heads) {
      return heads.get(subject);
    }
  }

  private void remember(String subject, long sequence) {
    synchronized (heads) {
      heads.merge(subject, sequence, Math::max);
    }
  }

  private void forget(String subject) {
    synchronized (heads) {
      heads.remove(subject);
    }
  }

  static JetStreamApiException apiError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof JetStreamApiException api) {
        return api;
      }
    }
    return null;
  }
}
