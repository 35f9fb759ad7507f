package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.faas.actors.runtime.ContainerSpec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exit codes from the engine's {@code die} events, one subscription per runtime for all of its
 * platform's containers.
 *
 * <p>Why: the engine answers a wait only once it has cleaned up after the container (unmounts,
 * network sandbox), about 10 ms after it recorded the exit and logged the {@code die} event (it
 * holds the container's lock meanwhile; measured on Docker 20.10). A run's exit is on the caller's
 * way, so the event is taken when it comes first. It only speeds things up: the wait call stays
 * the source of truth for a container whose event was missed (the subscription is down, or
 * re-subscribing), and a lost subscription is made again.
 */
final class DieEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DieEvents.class);
  private static final long RESUBSCRIBE_MILLIS = 1_000;

  private final DockerClient streams;
  private final String platform;
  private final Map<String, CompletableFuture<Integer>> waiting = new ConcurrentHashMap<>();
  private volatile Callback current;
  private volatile boolean closed;

  DieEvents(DockerClient streams, String platform) {
    this.streams = streams;
    this.platform = platform;
    subscribe();
  }

  /**
   * Completes with container {@code id}'s exit code when its {@code die} event arrives; never
   * completes if the event is missed. Register before the container starts.
   */
  CompletableFuture<Integer> exitOf(String id) {
    return waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  /** Stops waiting for container {@code id}'s event (it is being removed). */
  void forget(String id) {
    waiting.remove(id);
  }

  /** Containers waited for; for tests of the bookkeeping. */
  int waitingCount() {
    return waiting.size();
  }

  @Override
  public void close() {
    closed = true;
    Callback c = current;
    if (c != null) {
      c.close();
    }
    waiting.clear();
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    Callback callback = new Callback();
    current = callback;
    try {
      streams
          .eventsCmd()
          .withEventTypeFilter(EventType.CONTAINER)
          .withEventFilter("die")
          .withLabelFilter(Map.of(ContainerSpec.PLATFORM_LABEL, platform))
          .exec(callback);
    } catch (RuntimeException e) {
      resubscribeLater(e);
    }
  }

  private void resubscribeLater(Throwable why) {
    if (closed) {
      return;
    }
    log.debug("Engine events subscription ended ({}); subscribing again", why.toString());
    CompletableFuture.delayedExecutor(RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS)
        .execute(this::subscribe);
  }

  private void onDie(Event event) {
    String id = event.getActor() != null ? event.getActor().getId() : event.getId();
    if (id == null) {
      return;
    }
    CompletableFuture<Integer> exit = waiting.remove(id);
    if (exit == null) {
      return;
    }
    String code =
        event.getActor() == null || event.getActor().getAttributes() == null
            ? null
            : event.getActor().getAttributes().get("exitCode");
    try {
      exit.complete(Integer.parseInt(code));
    } catch (NumberFormatException e) {
      // No usable code: leave it to the wait call.
      log.debug("die event of [{}] without an exit code", id);
    }
  }

  private final class Callback extends EngineCallback<Event> {
    @Override
    public void onNext(Event event) {
      onDie(event);
    }

    @Override
    public void onError(Throwable failure) {
      if (!closing()) {
        resubscribeLater(failure);
      }
    }

    @Override
    public void onComplete() {
      if (!closing()) {
        resubscribeLater(new IllegalStateException("the engine ended the events stream"));
      }
    }
  }
}
