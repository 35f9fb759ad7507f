package dev.faas.nats;

import dev.faas.actors.routing.Routing;
import io.nats.client.Message;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers an API node heard from recently, fed by their announcements on {@value
 * Subjects#WORKER_HEARTBEAT}. A worker that stops announcing drops out after the window; nothing
 * has to tell the API nodes that it went. Announcements also say how many slots a worker has free
 * and which functions it holds pre-started containers for: {@link #warmWorker} picks where to
 * route an activation (docs/decisions/0005).
 */
final class LiveWorkers {
  private static final Logger log = LoggerFactory.getLogger(LiveWorkers.class);
  static final JsonCodec<Announcement> CODEC = JsonCodec.of(Announcement.class);

  /**
   * What a worker announces, as JSON: {@code {"workerId","freeSlots","warm"}}; {@code warm}, the
   * functions ({@code owner.name}) it holds idle pre-started containers for, may be absent.
   */
  record Announcement(String workerId, int freeSlots, List<String> warm) {
    Announcement {
      warm = warm == null ? List.of() : List.copyOf(warm);
    }

    Announcement(String workerId, int freeSlots) {
      this(workerId, freeSlots, List.of());
    }
  }

  private record Seen(long at, int freeSlots, Set<String> warm) {}

  private final long windowNanos;
  private final long routeWindowNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Seen> lastSeen = new ConcurrentHashMap<>();

  /**
   * @param window a worker counts as live while its last announcement is this recent
   * @param routeWindow a worker is routed to only while its last announcement is this recent
   */
  LiveWorkers(Duration window, Duration routeWindow, LongSupplier nanoTime) {
    this.windowNanos = window.toNanos();
    this.routeWindowNanos = Math.min(window.toNanos(), routeWindow.toNanos());
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
      lastSeen.put(
          a.workerId(), new Seen(nanoTime.getAsLong(), a.freeSlots(), Set.copyOf(a.warm())));
    }
  }

  /** How many distinct workers announced themselves within the window. */
  int count() {
    long now = nanoTime.getAsLong();
    // Forgetting the stale ones here keeps the map as small as the set of live workers.
    lastSeen.values().removeIf(seen -> now - seen.at() > windowNanos);
    return lastSeen.size();
  }

  /**
   * A worker that announced, within the route window, a free slot and pre-started containers for
   * {@code function} ({@code owner.name}); the one with the most free slots, ties broken at
   * random so that API nodes do not all pick the same one.
   */
  Optional<String> warmWorker(String function) {
    long now = nanoTime.getAsLong();
    List<Routing.Candidate> candidates = new ArrayList<>(lastSeen.size());
    lastSeen.forEach(
        (id, seen) ->
            candidates.add(
                new Routing.Candidate(
                    id, seen.freeSlots(), seen.warm().contains(function),
                    now - seen.at() <= routeWindowNanos)));
    return Routing.choose(candidates, ThreadLocalRandom.current()::nextInt);
  }
}
