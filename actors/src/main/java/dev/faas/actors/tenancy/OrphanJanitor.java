package dev.faas.actors.tenancy;

import dev.faas.actors.Stages;
import dev.faas.actors.model.ApiKey;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.WatchedCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Finds data whose owner is no user (a user deletion whose sweep failed after its retries, an
 * activation record a worker wrote after its user was deleted) and removes it with the same
 * {@link OwnerData#deleteAll} the deletion uses (docs/decisions/0019).
 *
 * <p>Every {@code interval}: once the node's caches of users, functions and keys have caught up,
 * the owners of the cached functions and keys and those {@link DataOwners} finds are compared
 * with the users' ids; {@link Orphans} decides which to sweep (those orphaned two passes running,
 * at most {@code maxPerPass}), and they are swept one after the other. Every API node runs one:
 * a sweep is idempotent, and a pass reads memory and a handful of bounded store calls, so no
 * node needs to be elected. The store calls run on the stores' own executors with their own
 * deadlines; the actor only compares sets.
 */
public final class OrphanJanitor {
  /** What the janitor hears. */
  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Found(Map<String, Set<String>> stored, Throwable failure) implements Command {}

  private record Swept(String owner, Throwable failure) implements Command {}

  /** A pass's state: the candidates of the last look and what is left to sweep of this one. */
  private record Pass(Set<String> candidates, List<String> toSweep, Map<String, Set<String>> kinds) {}

  /**
   * @param interval the time between the end of one pass and the start of the next
   * @param maxPerPass the most owners one pass sweeps
   */
  public record Settings(Duration interval, int maxPerPass) {
    public Settings {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, was " + interval);
      }
      if (maxPerPass < 1) {
        throw new IllegalArgumentException("maxPerPass must be at least 1, was " + maxPerPass);
      }
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final DataOwners stored;
  private final WatchedCache<User> users;
  private final WatchedCache<FunctionSpec> functions;
  private final WatchedCache<ApiKey> keys;
  private final OwnerData data;
  private final Listener listener;

  /** Told what the janitor did: the node counts it. */
  public interface Listener {
    /** A pass has looked and swept what it decided to. */
    void passed();

    /** The data of {@code owner}, of these kinds, was removed. */
    void swept(String owner, Set<String> kinds);
  }

  /**
   * @param listener told of every pass and every owner swept (metrics)
   */
  public static Behavior<Command> create(
      Settings settings,
      DataOwners stored,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      WatchedCache<ApiKey> keys,
      OwnerData data,
      Listener listener) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Tick.INSTANCE, settings.interval());
                  return new OrphanJanitor(
                          context, timers, settings, stored, users, functions, keys, data, listener)
                      .waiting(Set.of());
                }));
  }

  private OrphanJanitor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Settings settings,
      DataOwners stored,
      WatchedCache<User> users,
      WatchedCache<FunctionSpec> functions,
      WatchedCache<ApiKey> keys,
      OwnerData data,
      Listener listener) {
    this.context = context;
    context.setLoggerName(OrphanJanitor.class);
    this.timers = timers;
    this.settings = settings;
    this.stored = stored;
    this.users = users;
    this.functions = functions;
    this.keys = keys;
    this.data = data;
    this.listener = listener;
  }

  /** Between passes: the next tick starts one. */
  private Behavior<Command> waiting(Set<String> candidates) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, () -> look(candidates))
        .build();
  }

  private Behavior<Command> look(Set<String> candidates) {
    if (!users.isCaughtUp() || !functions.isCaughtUp() || !keys.isCaughtUp()) {
      return next(candidates);
    }
    context.pipeToSelf(Stages.attempt(stored::owners), Found::new);
    return Behaviors.receive(Command.class)
        .onMessage(Found.class, found -> onFound(candidates, found))
        .build();
  }

  private Behavior<Command> onFound(Set<String> candidates, Found found) {
    if (found.failure() != null) {
      context.getLog().warn(
          "Orphan janitor: cannot list the owners of stored data, trying again in [{}]: [{}]",
          settings.interval(), Stages.unwrap(found.failure()).toString());
      return next(candidates);
    }
    Map<String, Set<String>> kinds = new HashMap<>();
    found.stored().forEach((owner, what) -> kinds.computeIfAbsent(owner, o -> new TreeSet<>()).addAll(what));
    for (Versioned<FunctionSpec> f : functions.matching(f -> true)) {
      kinds.computeIfAbsent(f.value().owner(), o -> new TreeSet<>()).add("functions");
    }
    for (Versioned<ApiKey> k : keys.matching(k -> true)) {
      kinds.computeIfAbsent(k.value().owner(), o -> new TreeSet<>()).add("API keys");
    }
    Set<String> live =
        users.matching(u -> true).stream().map(u -> u.value().userId()).collect(Collectors.toSet());
    Orphans.Decision decision =
        Orphans.decide(candidates, kinds, live, settings.maxPerPass());
    return sweepNext(new Pass(decision.candidates(), decision.sweep(), kinds));
  }

  private Behavior<Command> sweepNext(Pass pass) {
    if (pass.toSweep().isEmpty()) {
      listener.passed();
      return next(pass.candidates());
    }
    String owner = pass.toSweep().get(0);
    context.pipeToSelf(
        Stages.attempt(() -> data.deleteAll(owner)), (ok, failure) -> new Swept(owner, failure));
    List<String> rest = new ArrayList<>(pass.toSweep().subList(1, pass.toSweep().size()));
    Pass after = new Pass(pass.candidates(), rest, pass.kinds());
    return Behaviors.receive(Command.class)
        .onMessage(Swept.class, swept -> onSwept(after, swept))
        .build();
  }

  private Behavior<Command> onSwept(Pass pass, Swept swept) {
    Set<String> what = pass.kinds().getOrDefault(swept.owner(), Set.of());
    if (swept.failure() != null) {
      context.getLog().warn(
          "Orphan janitor: data of user id [{}] ({}) not all removed, next pass tries again: [{}]",
          swept.owner(), what, Stages.unwrap(swept.failure()).toString());
    } else {
      context.getLog().info(
          "Orphan janitor: removed the data of user id [{}], which has no user: {}",
          swept.owner(), what);
      listener.swept(swept.owner(), what);
    }
    return sweepNext(pass);
  }

  private Behavior<Command> next(Set<String> candidates) {
    timers.startSingleTimer(Tick.INSTANCE, settings.interval());
    return waiting(candidates);
  }
}
