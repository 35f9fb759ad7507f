package dev.faas.node;

import dev.faas.actors.engine.ActivationCall;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.engine.EngineSettings;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.outcome.Outcome;
import dev.faas.http.Invoker;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The invoke route's way into the activation engine: one ask of the supervisor per call. The
 * activation actor answers every call by its own deadlines; the ask's timeout is only a backstop
 * past all of them.
 */
final class SupervisorInvoker implements Invoker {
  private static final Duration BACKSTOP_MARGIN = Duration.ofSeconds(15);

  private final ActorRef<ActivationSupervisor.Command> supervisor;
  private final Scheduler scheduler;
  private final Duration fixedBudget;

  SupervisorInvoker(
      ActorRef<ActivationSupervisor.Command> supervisor, Scheduler scheduler, EngineSettings engine) {
    this.supervisor = supervisor;
    this.scheduler = scheduler;
    this.fixedBudget =
        engine
            .acceptTimeout()
            .plus(engine.resultGrace())
            .plus(engine.pullAllowance())
            .plus(BACKSTOP_MARGIN);
  }

  /** The longest an attempt of {@code timeoutMs} may stay unanswered: the ask's backstop. */
  Duration budget(int timeoutMs) {
    return fixedBudget.plusMillis(timeoutMs);
  }

  @Override
  public CompletionStage<Outcome> invoke(Invocation call) {
    return invokeAs(ActivationSupervisor.newActivationId(), call);
  }

  /**
   * Runs {@code call} as activation {@code id}, exactly as a synchronous call runs (the same
   * admission, permits and deadlines): what an asynchronous activation's attempt is.
   */
  CompletionStage<Outcome> invokeAs(String id, Invocation call) {
    Versioned<FunctionSpec> function = call.function();
    Duration budget = fixedBudget.plusMillis(function.value().timeoutMs());
    return AskPattern.<ActivationSupervisor.Command, Outcome>ask(
            supervisor,
            replyTo ->
                new ActivationSupervisor.Invoke(activationCall(id, call), replyTo),
            budget,
            scheduler)
        .exceptionally(
            failure ->
                new Outcome.Unavailable(
                    id,
                    failure instanceof TimeoutException
                            || failure.getCause() instanceof TimeoutException
                        ? "the activation did not answer in time"
                        : "the activation engine failed"));
  }

  /** The engine's view of {@code call}, run as activation {@code id}. */
  private static ActivationCall activationCall(String id, Invocation call) {
    Versioned<FunctionSpec> function = call.function();
    return new ActivationCall(
        id, function.value(), function.revision(), call.input(), call.startedBy(),
        call.requestId(), call.trace());
  }
}
