package dev.faas.actors.worker.pool;

import dev.faas.actors.runtime.Container;
import java.time.Duration;
import java.util.List;

/** What the {@link PoolBook} asks its actor to do; the book itself does nothing. */
public sealed interface PoolEffect {

  /** Start a container of {@code key}; its arrival or time-out is told with {@code ticket}. */
  record StartContainer(long ticket, PoolKey key) implements PoolEffect {}

  /** Remove {@code container}, whatever the engine answers (a failure is only logged). */
  record RemoveContainer(Container container, String why) implements PoolEffect {}

  /** Remove these for the drain, then tell the book {@link PoolBook#drainRemovalsDone()}. */
  record RemoveForDrain(List<Container> containers, String why) implements PoolEffect {
    public RemoveForDrain {
      containers = List.copyOf(containers);
    }
  }

  /** Tell the book {@link PoolBook#idleExited} when this idle container's process exits. */
  record WatchExit(PoolKey key, Container container) implements PoolEffect {}

  /** Answer the acquisition being handled with this untouched container. */
  record HandOut(Container container, long lease) implements PoolEffect {}

  /** Answer the acquisition being handled: none ready, the caller starts its own. */
  record Miss(long lease) implements PoolEffect {}

  /** Answer the drain that waited: every container is gone. */
  record DrainDone(int removed) implements PoolEffect {}

  /** Answer the drain being handled: the pool had been drained already, nothing to remove. */
  record AlreadyDrained() implements PoolEffect {}

  /** Tell the book {@link PoolBook#deferEnded} after {@code delay}. */
  record DeferStarts(Duration delay) implements PoolEffect {}

  /** The deferral is over before its time: cancel its timer. */
  record CancelDefer() implements PoolEffect {}

  /** A line for the pool's log, with bracketed placeholders. */
  record Log(Level level, String format, List<Object> args) implements PoolEffect {
    public enum Level {
      DEBUG,
      INFO,
      WARN
    }

    public Log {
      args = List.copyOf(args);
    }
  }
}
