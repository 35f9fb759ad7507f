package dev.faas.actors.worker;

import dev.faas.actors.Stages;
import dev.faas.actors.runtime.ContainerRuntime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;

/**
 * A worker's checks of its engine: one at a time, each failing at {@code probeTimeout}, and what
 * each answer means for the worker ({@link Next}). The {@link EngineListener} is told every
 * change (readiness); the worker pulls and announces only while {@link #ok()}.
 */
final class EngineCheck {

  record Probed(Throwable failure) implements WorkerActor.Command {}

  /** What the worker does after an answer. */
  enum Next {
    /** Nothing changed, or the engine was lost: nothing to do now. */
    NOTHING,
    /** The engine works (first check): take work. */
    RESUME,
    /** The engine works again after failing: remove what the outage left, then take work. */
    RECOVER
  }

  private final ActorContext<WorkerActor.Command> context;
  private final ContainerRuntime runtime;
  private final WorkerSettings settings;
  private final EngineListener listener;
  private boolean ok;
  /** No check has answered yet: the first answer is told, whatever it is. */
  private boolean unchecked = true;
  /** The engine failed a check since it last passed one (not merely: none has passed yet). */
  private boolean lost;
  private boolean probing;

  EngineCheck(
      ActorContext<WorkerActor.Command> context,
      ContainerRuntime runtime,
      WorkerSettings settings,
      EngineListener listener) {
    this.context = context;
    this.runtime = runtime;
    this.settings = settings;
    this.listener = listener;
  }

  /** The last check passed. */
  boolean ok() {
    return ok;
  }

  /** Starts a check unless one is in flight. */
  void probe() {
    if (probing) {
      return;
    }
    probing = true;
    context.pipeToSelf(
        Stages.notNull(Stages.attempt(runtime::probe))
            .toCompletableFuture()
            .orTimeout(settings.probeTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (done, failure) -> new Probed(failure));
  }

  /** Takes a check's answer into account. */
  Next onProbed(Probed probed) {
    probing = false;
    Logger log = context.getLog();
    boolean passed = probed.failure() == null;
    if (passed == ok && !unchecked) {
      return Next.NOTHING;
    }
    unchecked = false;
    ok = passed;
    if (!passed) {
      lost = true;
      String why = describe(probed.failure());
      log.warn("Worker [{}] cannot start containers ([{}]): taking no work until it can",
          settings.workerId(), why);
      listener.changed(false, "no container could be started: " + why);
      return Next.NOTHING;
    }
    listener.changed(true, "");
    if (!lost) {
      log.info("Worker [{}] engine checked: containers start", settings.workerId());
      return Next.RESUME;
    }
    log.info("Worker [{}] can start containers again: removing what the outage left, then taking"
        + " work", settings.workerId());
    return Next.RECOVER;
  }

  private static String describe(Throwable failure) {
    Throwable cause = Stages.unwrap(failure);
    if (cause instanceof TimeoutException) {
      return "the check did not answer in time";
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
