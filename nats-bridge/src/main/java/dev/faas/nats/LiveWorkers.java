package dev.faas.nats;

import io.nats.client.Message;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers an API node heard from recently, fed by their announcements on {@value
 * Subjects#WORKER_HEARTBEAT}. A worker that stops announcing drops out after the window; nothing
 * has to tell the API nodes that it went.
 */
final class LiveWorkers {
  private static final Logger log = LoggerFactory.getLogger(LiveWorkers.class);
  static final JsonCodec<Announcement> CODEC = JsonCodec.of(Announcement.class);

  /** What a worker announces, as JSON: {@code {"workerId","freeSlots"}}. */
  record Announcement(String workerId, int freeSlots) {}

  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

  LiveWorkers(Duration window, LongSupplier nanoTime) {
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Called on the subscription's thread for each announcement. */
  void onAnnouncement(Message message) {
    Announcement a;
    try {
      a = CODEC.decode(message.getData());
    } catch (UncheckedIOException e) {
      log.warn("Ignoring an undecodable worker announcement: [{}]", e.getMessage());
      return;
    }
    if (a.workerId() != null && !a.workerId().isBlank()) {
      lastSeen.put(a.workerId(), nanoTime.getAsLong());
    }
  }

  /** How many distinct workers announced themselves within the window. */
  int count() {
    long now = nanoTime.getAsLong();
    // Forgetting the stale ones here keeps the map as small as the set of live workers.
    lastSeen.values().removeIf(seen -> now - seen > windowNanos);
    return lastSeen.size();
  }
}
