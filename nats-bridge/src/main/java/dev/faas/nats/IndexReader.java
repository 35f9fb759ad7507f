package dev.faas.nats;

import dev.faas.actors.activation.ActivationPage;
import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.store.StoreException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one page of a chain of the activation index ({@link ActivationIndex}): the head of the
 * chain (or the summary a cursor names), then one direct get per summary along the {@code
 * previous} sequences. A page of {@code limit} costs {@code limit + 1} small reads (the last one
 * only tells whether there is more), whatever the owner holds.
 *
 * <p>A chain ends where a summary is gone (expired with the records, or removed), where one does
 * not decode, or where a sequence does not go down (never written so): the page ends there, with
 * no cursor, rather than failing.
 */
final class IndexReader {
  private static final Logger log = LoggerFactory.getLogger(IndexReader.class);
  private static final String DIRECT_GET = "$JS.API.DIRECT.GET." + ActivationIndex.STREAM;

  /** One summary as the stream holds it; null fields never. */
  private record Entry(String subject, long sequence, byte[] data) {}

  private final Buckets buckets;
  private final Duration timeout;

  IndexReader(Buckets buckets, Duration timeout) {
    this.buckets = buckets;
    this.timeout = timeout;
  }

  /**
   * One page of {@code subject}'s chain, from its head or from {@code cursor}.
   *
   * @return the page; fails with {@link ActivationPage.BadCursor} when the cursor names a summary
   *     of another chain, or is not a cursor at all
   */
  CompletableFuture<ActivationPage> page(String subject, int limit, String cursor) {
    long from;
    try {
      from = cursor == null ? 0 : IndexCursor.decode(cursor);
    } catch (ActivationPage.BadCursor e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Entry> first =
        cursor == null ? get("{\"last_by_subj\":\"" + subject + "\"}") : bySequence(from);
    return first
        .thenCompose(
            entry -> {
              if (entry != null && !entry.subject().equals(subject)) {
                // Another owner's or another filter's summary: never shown, never followed.
                return CompletableFuture.failedFuture(
                    new ActivationPage.BadCursor("not a cursor of this listing"));
              }
              return walk(subject, limit, new ArrayList<>(), entry);
            })
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<ActivationPage> walk(
      String subject, int limit, List<ActivationRecord> page, Entry entry) {
    if (entry == null) {
      return CompletableFuture.completedFuture(new ActivationPage(page, null));
    }
    if (!entry.subject().equals(subject)) {
      log.warn("Index chain [{}] leads to [{}] at [{}]: ended there", subject, entry.subject(),
          entry.sequence());
      return CompletableFuture.completedFuture(new ActivationPage(page, null));
    }
    if (page.size() == limit) {
      return CompletableFuture.completedFuture(
          new ActivationPage(page, IndexCursor.encode(entry.sequence())));
    }
    RecordCodec.Summary summary;
    try {
      summary = RecordCodec.decodeSummary(entry.data());
    } catch (UncheckedIOException e) {
      log.warn("Undecodable summary at [{}] of [{}]: chain ended there: [{}]", entry.sequence(),
          subject, e.getMessage());
      return CompletableFuture.completedFuture(new ActivationPage(page, null));
    }
    page.add(summary.record());
    long previous = summary.previous();
    if (previous < 1 || previous >= entry.sequence()) {
      return CompletableFuture.completedFuture(new ActivationPage(page, null));
    }
    return bySequence(previous).thenCompose(next -> walk(subject, limit, page, next));
  }

  private CompletableFuture<Entry> bySequence(long sequence) {
    return get("{\"seq\":" + sequence + "}");
  }

  /** A direct get: any replica answers. Null when there is no such message. */
  private CompletableFuture<Entry> get(String request) {
    Connection conn = buckets.connection();
    if (conn == null || !buckets.isReady()) {
      return CompletableFuture.failedFuture(
          new StoreException.Unavailable("not connected to NATS", null));
    }
    return conn.requestWithTimeout(
            DIRECT_GET, null, request.getBytes(StandardCharsets.US_ASCII), timeout)
        .thenApply(IndexReader::entry);
  }

  private static Entry entry(Message reply) {
    if (reply.isStatusMessage()) {
      if (reply.getStatus().getCode() == 404) {
        return null;
      }
      throw new IllegalStateException(
          "direct get failed: " + reply.getStatus().getCode() + " " + reply.getStatus().getMessage());
    }
    Headers h = reply.getHeaders();
    String subject = h == null ? null : h.getFirst("Nats-Subject");
    String sequence = h == null ? null : h.getFirst("Nats-Sequence");
    if (subject == null || sequence == null) {
      throw new UncheckedIOException(new IOException("a direct get answer without its headers"));
    }
    return new Entry(subject, Long.parseLong(sequence), reply.getData());
  }
}
