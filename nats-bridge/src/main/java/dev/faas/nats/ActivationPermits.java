package dev.faas.nats;

import dev.faas.nats.Permits.Held;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An API node's account of the permits its activations hold (docs/decisions/0015). An activation
 * takes its permits at its first submit and keeps them across a fallback's second submit; they
 * travel in its message's headers, and whoever settles the message gives them back: the worker
 * when it acks or drops it, this node when no message of the activation is left for a worker.
 *
 * <p>This node gives them back once the activation is done here (its listener closed), no submit
 * of it is in flight, and every message of it that the stream took was withdrawn. A message a
 * worker took is the worker's to settle, so a running activation keeps its permits until its
 * worker is done with it, however long its caller waits.
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
    private boolean released; // guarded by this
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

    private void maybeRelease() {
      Held toRelease = null;
      synchronized (this) {
        if (done && inFlight == 0) {
          // Messages still queued are a worker's to settle: the actor withdraws none any more.
          queued.forEach(t -> byTicket.remove(t, ActivationPermits.Entry.this));
          if (queued.isEmpty() && held != null && !released) {
            released = true;
            toRelease = held;
          }
        }
      }
      if (done) {
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
