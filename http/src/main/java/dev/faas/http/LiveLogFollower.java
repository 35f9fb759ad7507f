package dev.faas.http;

import dev.faas.actors.activation.ActivationRecord;
import dev.faas.actors.activation.ActivationStatus;
import dev.faas.actors.activation.LiveLogMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One follower of one activation's live log (docs/decisions/0023): takes the messages of the
 * activation's subject, forwards only those of the caller's activation, and turns them into
 * server-sent events in a bounded queue. It never blocks the transport's thread: an event with no
 * room is dropped, counted ({@code onLost}), and told to the follower in a {@code dropped} event.
 */
final class LiveLogFollower implements Consumer<LiveLogMessage> {
  static final String LOG = "log";
  static final String DROPPED = "dropped";
  static final String END = "end";
  private static final Set<String> FINAL = Set.of("SUCCESS", "FAILED", "TIMEOUT");

  /** What flows from the transport to the response. */
  sealed interface Item permits Emit, Marker {}

  /** An event for the follower; {@code last} ends the stream. */
  record Emit(ServerSentEvent event, boolean last) implements Item {}

  /** Internal: the activation still runs; nothing was heard for a while. */
  enum Marker implements Item {
    ALIVE,
    IDLE
  }

  private final String owner;
  private final String onlyStartedBy;
  private final BoundedSourceQueue<Item> queue;
  private final LongConsumer onLost;
  private final CompletableFuture<Boolean> ownerSeen = new CompletableFuture<>();
  private FollowCursor cursor = FollowCursor.START; // guarded by this
  private boolean ended; // guarded by this

  /**
   * @param owner the caller's user id: messages of anybody else's activation are ignored
   * @param onlyStartedBy for an {@code invoke} key, its id (only what it started); else null
   * @param queue where events go, bounded
   * @param onLost told the bytes of every log event dropped for want of room
   */
  LiveLogFollower(
      String owner, String onlyStartedBy, BoundedSourceQueue<Item> queue, LongConsumer onLost) {
    this.owner = owner;
    this.onlyStartedBy = onlyStartedBy;
    this.queue = queue;
    this.onLost = onLost;
  }

  /** Completes (true) at the first message of the caller's activation. */
  CompletableFuture<Boolean> ownerSeen() {
    return ownerSeen;
  }

  /** The caller's activation is known to exist (its record says so): nothing to wait for. */
  void ownerKnown() {
    ownerSeen.complete(true);
  }

  @Override
  public synchronized void accept(LiveLogMessage message) {
    if (ended
        || !owner.equals(message.owner())
        || (onlyStartedBy != null && !onlyStartedBy.equals(message.startedBy()))) {
      return;
    }
    ownerSeen.complete(true);
    FollowCursor.Step step = cursor.onMessage(message.offset(), message.bytes().length);
    cursor = step.next();
    if (cursor.unreported() > 0 && offer(new Emit(dropped(cursor.unreported()), false))) {
      cursor = cursor.reported();
    }
    switch (message.kind()) {
      case CHUNK -> {
        if (step.fresh() > 0
            && !offer(new Emit(log(text(message.bytes(), step.skip(), step.fresh())), false))) {
          cursor = cursor.lost(step.fresh());
          onLost.accept(step.fresh());
        }
      }
      case ALIVE -> offer(Marker.ALIVE);
      // Without room the end is lost too: the idle check finds the record instead. So is an end
      // behind lost bytes not told yet (their dropped event found no room): ending now would
      // leave them untold; the idle check tells them, then ends.
      case END ->
          ended =
              cursor.unreported() == 0
                  && offer(new Emit(end(message.status(), message.truncated()), true));
    }
  }

  /**
   * Nothing heard for a while: the events that end the stream if the record says the activation
   * is over (what it holds past what was passed on, then the end), else none.
   */
  synchronized List<Item> afterSilence(ActivationRecord record) {
    List<Item> items = new ArrayList<>();
    if (record == null || !isFinal(record.status())) {
      // Lost bytes not told yet (nothing got through since): told now.
      if (cursor.unreported() > 0) {
        items.add(new Emit(dropped(cursor.unreported()), false));
        cursor = cursor.reported();
      } else {
        items.add(Marker.ALIVE);
      }
      return items;
    }
    byte[] logs = record.logs() == null ? new byte[0] : record.logs().getBytes(StandardCharsets.UTF_8);
    FollowCursor.Step step = cursor.onMessage(0, logs.length);
    if (cursor.unreported() > 0) {
      items.add(new Emit(dropped(cursor.unreported()), false));
    }
    if (step.fresh() > 0) {
      items.add(new Emit(log(text(logs, step.skip(), step.fresh())), false));
    }
    cursor = step.next().reported();
    items.add(new Emit(end(record.status(), record.logsTruncated()), true));
    ended = true;
    return items;
  }

  /** The whole stream of a finished activation, from its record. */
  static List<ServerSentEvent> ofRecord(ActivationRecord record) {
    List<ServerSentEvent> events = new ArrayList<>();
    if (record.logs() != null && !record.logs().isEmpty()) {
      events.add(log(normalized(record.logs())));
    }
    events.add(end(record.status(), record.logsTruncated()));
    return events;
  }

  /** Whether {@code status} is an activation's last (records may exist before: asynchronous). */
  static boolean isFinal(ActivationStatus status) {
    return status != null && FINAL.contains(status.name());
  }

  /** The end of the stream, when nothing more can be learned of the activation. */
  static ServerSentEvent unknownEnd() {
    return ServerSentEvent.create("{\"status\":\"unknown\"}", END);
  }

  private boolean offer(Item item) {
    return queue.offer(item) == QueueOfferResult.enqueued();
  }

  private static ServerSentEvent log(String text) {
    return ServerSentEvent.create(text, LOG);
  }

  private static ServerSentEvent dropped(long bytes) {
    return ServerSentEvent.create("{\"bytes\":" + bytes + "}", DROPPED);
  }

  private static ServerSentEvent end(ActivationStatus status, boolean truncated) {
    String name = status == null ? "unknown" : status.name().toLowerCase(Locale.ROOT);
    return ServerSentEvent.create(
        "{\"status\":\"" + name + "\",\"logsTruncated\":" + truncated + "}", END);
  }

  // Chunks are decoded alone: a character split between two chunks is replaced.
  private static String text(byte[] bytes, int from, int length) {
    return normalized(new String(bytes, from, length, StandardCharsets.UTF_8));
  }

  // A CR would end an event's line for an SSE client: every line ends with LF alone.
  private static String normalized(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n');
  }
}
