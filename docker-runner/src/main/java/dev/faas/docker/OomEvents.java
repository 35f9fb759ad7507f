package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the engine's event log whether a container was killed for memory.
 *
 * <p>Why: on cgroup v1 the engine sets {@code State.OOMKilled} only when containerd's OOM event
 * reaches it before the exit event, and the two race: under load a memory-killed container can
 * exit 137 with the flag unset. The engine still logs an {@code oom} event for it, so when a
 * container the runtime did not kill exits 137 without the flag, this reads the events since the
 * container started, and waits {@link #GRACE} for one still on its way.
 */
final class OomEvents {
  /** How long an OOM event may trail the exit; it is observed within tens of milliseconds. */
  static final Duration GRACE = Duration.ofMillis(500);

  private OomEvents() {}

  /** Completes with true if the engine logged an {@code oom} event for container {@code id}. */
  static CompletableFuture<Boolean> seen(DockerClient streams, String id, Instant since) {
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Instant until = Instant.now().plus(GRACE);
    streams
        .eventsCmd()
        .withContainerFilter(id)
        .withEventFilter("oom")
        .withSince(Long.toString(since.getEpochSecond()))
        .withUntil(until.getEpochSecond() + "." + String.format("%09d", until.getNano()))
        .exec(new Callback(seen));
    return seen;
  }

  private static final class Callback extends EngineCallback<Event> {
    private final CompletableFuture<Boolean> seen;

    Callback(CompletableFuture<Boolean> seen) {
      this.seen = seen;
    }

    @Override
    public void onNext(Event event) {
      if (seen.complete(true)) {
        close(); // one is enough
      }
    }

    @Override
    public void onError(Throwable failure) {
      seen.complete(false); // no evidence of a memory kill: report what inspect said
    }

    @Override
    public void onComplete() {
      seen.complete(false);
    }
  }
}
