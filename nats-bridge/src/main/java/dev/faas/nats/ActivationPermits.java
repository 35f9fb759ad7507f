package dev.faas.nats;

import dev.faas.nats.Permits.Held;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An API node's account of the permits its activations hold (docs/decisions/0015). A submit takes
 * the permits unless the activation holds some; they travel in its message's headers, and whoever
 * settles the message gives them back: the worker when it acks or drops it, this node when no
 * message of the activation is left for a worker.
 *
 * <p>This node gives them back once no submit of the activation is in flight and every message of
 * it that the stream took was withdrawn (or none was taken: a refusal). A fallback's second
 * submit then takes them afresh. A message a worker took is the worker's to settle, so a running
 * activation keeps its permits until its worker is done with it, however long its caller waits.
 */
final class ActivationPermits {
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<Long, Entry> byTicket = new ConcurrentHashMap<>();
  private final Consumer<Held> release;

  /** @param release gives permits back; called at most once per activation, never under a lock */
  ActivationPermits(Consumer<Held> release) {
    this.release = release;
  }

  /** One activation's permits and the messages of it that may be in the stream. */
  final class Entry {
    private Held held; // guarded by this
    private int inFlight; // guarded by this
    private boolean done; // guarded by this
    private final Set<Long> queued = new HashSet<>(); // guarded by this

    /** The permits taken by an earlier submit of this activation, or null. */
    synchronized Held held() {
      return held;
    }

    /** A submit starts. */
    synchronized void submitting() {
      inFlight++;
    }

    /** The permits this activation took. */
    synchronized void took(Held permits) {
      held = permits;
    }

    /** A submit ended, with the ticket of its message (0: the stream took nothing). */
    void submitted(long ticket) {
      synchronized (this) {
        inFlight--;
        if (ticket > 0) {
          queued.add(ticket);
          byTicket.put(ticket, this);
        }
      }
      maybeRelease();
    }

    /** The message of {@code ticket} is out of the stream without a worker settling it. */
    void withdrawn(long ticket) {
      synchronized (this) {
        queued.remove(ticket);
      }
      byTicket.remove(ticket, this);
      maybeRelease();
    }

    /** The activation is done on this node. */
    void done() {
      synchronized (this) {
        done = true;
      }
      maybeRelease();
    }

    // Given back as soon as no message of the activation is left for a worker and no submit is
    // in flight: a refused submit, a withdrawal. A later submit (a fallback) takes them afresh:
    // a worker that dropped the routed message has given them back already.
    private void maybeRelease() {
      Held toRelease = null;
      boolean finished;
      synchronized (this) {
        finished = done && inFlight == 0;
        if (inFlight == 0 && queued.isEmpty() && held != null) {
          toRelease = held;
          held = null;
        }
        if (finished) {
          // Messages still queued are a worker's to settle: the actor withdraws none any more.
          queued.forEach(t -> byTicket.remove(t, ActivationPermits.Entry.this));
        }
      }
      if (finished) {
        entries.remove(key, this);
      }
      if (toRelease != null) {
        release.accept(toRelease);
      }
    }

    private String key;
  }

  /** The entry of {@code activationId}, made at its first submit. */
  Entry of(String activationId) {
    return entries.computeIfAbsent(
        activationId,
        id -> {
          Entry e = new Entry();
          e.key = id;
          return e;
        });
  }

  /** The entry whose message has {@code ticket}, if this node still tracks it. */
  Entry byTicket(long ticket) {
    return byTicket.get(ticket);
  }

  /** The activation is done on this node: its listener is closed. */
  void done(String activationId) {
    Entry e = entries.get(activationId);
    if (e != null) {
      e.done();
    }
  }

  /** Activations tracked now (for tests). */
  int tracked() {
    return entries.size();
  }
}
