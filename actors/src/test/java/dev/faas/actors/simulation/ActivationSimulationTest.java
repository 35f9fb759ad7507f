package dev.faas.actors.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.engine.ActivationCall;
import dev.faas.actors.engine.ActivationSupervisor;
import dev.faas.actors.engine.EngineSettings;
import dev.faas.actors.engine.NodeLimiter;
import dev.faas.actors.fakes.CountingInFlight;
import dev.faas.actors.fakes.FakeCluster;
import dev.faas.actors.fakes.FakeRuntime;
import dev.faas.actors.fakes.FakeStore;
import dev.faas.actors.fakes.Fns;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.outcome.FailureKind;
import dev.faas.actors.outcome.Outcome;
import dev.faas.actors.worker.ColdContainerSource;
import dev.faas.actors.worker.RunnerSettings;
import dev.faas.actors.worker.WorkerActor;
import dev.faas.actors.worker.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of activations through the real supervisor, limiter, workers and runners, against a
 * bounded fake queue and a fake engine whose containers succeed, fail, run out of memory, flood,
 * hang until their timeout or lose their engine, while workers vanish and come back at random.
 * Run again with {@code -Dsim.seed=N} to replay a seed.
 */
class ActivationSimulationTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  private static final int BOUND = 8;
  private static final int TOTAL = 3000;
  private static final int CALLERS = 16;
  private static final int WORKERS = 4;
  private static final int SLOTS = 3;
  private static final int VANISH_EVERY = 300;
  private static final String PLATFORM = "sim";

  private static final EngineSettings ENGINE =
      new EngineSettings(Duration.ofMillis(400), Duration.ofMillis(250), Duration.ofMillis(400),
          12);
  private static final RunnerSettings RUNNER =
      new RunnerSettings(16 * 1024, 256, Duration.ofMillis(40), 1, 1, 1, Duration.ofSeconds(1),
          Duration.ofMillis(300), Duration.ofSeconds(1));

  /** What the callers invoke, by weight. */
  private static final Map<String, Integer> MIX =
      Map.of("echo", 60, "stderr", 8, "fail", 10, "oom", 4, "hang", 6, "flood", 3, "vanish", 3,
          "missing", 3, "down", 3);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Where the simulation's facts are gathered, from any thread. */
  static final class Tally {
    final Map<String, FunctionSpec> functionOf = new ConcurrentHashMap<>();
    final Map<String, byte[]> inputOf = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    final Map<String, Outcome> outcomeOf = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
    final AtomicInteger duplicates = new AtomicInteger();
    final List<FakeCluster.Source> sources = new CopyOnWriteArrayList<>();
    final AtomicInteger vanished = new AtomicInteger();

    void count(String kind) {
      kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    int kind(String kind) {
      AtomicInteger n = kinds.get(kind);
      return n == null ? 0 : n.get();
    }
  }

  // ------------------------------------------------------------------ workers

  sealed interface HostCommand {}

  record Vanish(int index) implements HostCommand {}

  record Restart(int index) implements HostCommand {}

  /** Runs the workers; a vanished worker goes silent, stops, and comes back under its id. */
  static Behavior<HostCommand> host(
      FakeCluster cluster, FakeRuntime runtime, FakeStore store, Tally tally) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  List<ActorRef<WorkerActor.Command>> workers =
                      new java.util.ArrayList<>(java.util.Collections.nCopies(WORKERS, null));
                  FakeCluster.Source[] sources = new FakeCluster.Source[WORKERS];
                  int[] generation = new int[WORKERS];
                  Runnable[] start = new Runnable[WORKERS];
                  for (int i = 0; i < WORKERS; i++) {
                    int index = i;
                    start[i] =
                        () -> {
                          String id = "worker" + index;
                          sources[index] = cluster.source(id).slots(SLOTS);
                          tally.sources.add(sources[index]);
                          WorkerSettings settings =
                              new WorkerSettings(id, PLATFORM, SLOTS, Duration.ofMillis(100),
                                  Duration.ofMillis(50), Duration.ofMillis(50),
                                  Duration.ofMillis(200), Duration.ofSeconds(3), RUNNER);
                          workers.set(index,
                              ctx.spawn(
                                  WorkerActor.create(settings, sources[index], runtime,
                                      new ColdContainerSource(runtime), store, Clock.systemUTC()),
                                  id + "-" + (++generation[index])));
                        };
                    start[i].run();
                  }
                  return Behaviors.receive(HostCommand.class)
                      .onMessage(
                          Vanish.class,
                          v -> {
                            if (workers.get(v.index()) != null) {
                              tally.vanished.incrementAndGet();
                              sources[v.index()].vanish();
                              ctx.stop(workers.get(v.index()));
                              workers.set(v.index(), null);
                              timers.startSingleTimer(new Restart(v.index()), Duration.ofMillis(100));
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Restart.class,
                          r -> {
                            start[r.index()].run();
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  // ------------------------------------------------------------------ callers

  sealed interface DriverCommand {}

  record Answered(Outcome outcome) implements DriverCommand {}

  record CallAgain() implements DriverCommand {}


  /** {@code CALLERS} callers in a closed loop until {@code TOTAL} calls are answered. */
  static Behavior<DriverCommand> driver(
      ActorRef<ActivationSupervisor.Command> supervisor,
      ActorRef<HostCommand> host,
      Random random,
      Tally tally,
      ActorRef<String> done) {
    List<String> images = MIX.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .flatMap(e -> java.util.Collections.nCopies(e.getValue(), e.getKey()).stream())
        .toList();
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<Outcome> replyTo =
                      ctx.messageAdapter(Outcome.class, Answered::new);
                  int[] issued = {0};
                  int[] answered = {0};
                  int[] timerKeys = {0};
                  Runnable call =
                      () -> {
                        if (issued[0] >= TOTAL) {
                          return;
                        }
                        issued[0]++;
                        String id = ActivationSupervisor.newActivationId();
                        String image = images.get(random.nextInt(images.size()));
                        FunctionSpec fn = Fns.function(image, image.equals("hang") ? 80 : 3000);
                        byte[] input = ("in:" + id + ":ü✓").getBytes(StandardCharsets.UTF_8);
                        tally.functionOf.put(id, fn);
                        tally.inputOf.put(id, input);
                        supervisor.tell(new ActivationSupervisor.Invoke(
                            ActivationCall.of(id, fn, 1, input), replyTo));
                      };
                  for (int i = 0; i < CALLERS; i++) {
                    call.run();
                  }
                  return Behaviors.receive(DriverCommand.class)
                      .onMessage(
                          Answered.class,
                          a -> {
                            String id = a.outcome().activationId();
                            int n = tally.answers.computeIfAbsent(id, k -> new AtomicInteger())
                                .incrementAndGet();
                            if (n > 1) {
                              tally.duplicates.incrementAndGet();
                              return Behaviors.same();
                            }
                            tally.outcomeOf.put(id, a.outcome());
                            tally.count(a.outcome().getClass().getSimpleName());
                            if (a.outcome() instanceof Outcome.Failed f) {
                              tally.count("Failed:" + f.failure());
                            }
                            answered[0]++;
                            if (answered[0] % VANISH_EVERY == 0) {
                              host.tell(new Vanish(random.nextInt(WORKERS)));
                            }
                            if (answered[0] == TOTAL) {
                              done.tell("done");
                            } else if (a.outcome() instanceof Outcome.Rejected) {
                              // A refused caller backs off a little, as a client would.
                              timers.startSingleTimer("again-" + (timerKeys[0]++),
                                  new CallAgain(), Duration.ofMillis(1 + random.nextInt(4)));
                            } else {
                              call.run();
                            }
                            return Behaviors.same();
                          })
                      .onMessage(CallAgain.class, c -> {
                        call.run();
                        return Behaviors.same();
                      })
                      .build();
                }));
  }

  // --------------------------------------------------------------------- test

  @Test
  void invariantsHoldUnderRandomFailures() {
    long seed = Long.getLong("sim.seed", System.nanoTime());
    System.out.println("ActivationSimulationTest seed: " + seed + " (replay with -Dsim.seed=" + seed + ")");
    Random random = new Random(seed);
    Tally tally = new Tally();
    FakeRuntime runtime = new FakeRuntime();
    FakeStore store = new FakeStore();
    long started = System.nanoTime();
    try (FakeCluster cluster =
        new FakeCluster(BOUND, Duration.ofMillis(300), Duration.ofMillis(500))) {
      CountingInFlight inFlight = new CountingInFlight();
      ActorRef<NodeLimiter.Command> limiter =
          testKit.spawn(NodeLimiter.create(ENGINE.nodeMaxInFlight(), inFlight::permits),
              "sim-limiter");
      ActorRef<ActivationSupervisor.Command> supervisor =
          testKit.spawn(ActivationSupervisor.create(cluster, store, limiter, ENGINE, id -> "sim." + id,
              Clock.systemUTC(), inFlight), "sim-supervisor");
      ActorRef<HostCommand> host = testKit.spawn(host(cluster, runtime, store, tally), "sim-host");
      TestProbe<String> done = testKit.createTestProbe();
      done.awaitAssert(() -> {
        assertEquals(WORKERS, cluster.liveWorkers());
        return null;
      });

      testKit.spawn(driver(supervisor, host, random, tally, done.ref()), "sim-driver");
      done.expectMessage(Duration.ofSeconds(60), "done");

      // Quiescence: every place, permit, listener and container comes back.
      done.awaitAssert(Duration.ofSeconds(10), () -> {
        assertEquals(0, cluster.held(), "queue places still held");
        assertEquals(0, cluster.openListeners(), "listeners still open");
        assertTrue(inFlight.peakActivations() > 0, "activation actors were counted");
        assertEquals(0, inFlight.permits(), "node permits still held");
        assertEquals(0, inFlight.activations(), "activation actors alive");
        assertEquals(0, runtime.liveCount(), "containers left");
        return null;
      });
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("ActivationSimulationTest: %d calls in %d ms, %d worker losses, outcomes %s,"
              + " max held %d of %d, %d refused by the queue%n", TOTAL, tookMs,
          tally.vanished.get(), tally.kinds, cluster.maxHeld(), BOUND, cluster.rejectedFull());

      // Every caller answered exactly once.
      assertEquals(0, tally.duplicates.get(), "callers answered twice");
      assertEquals(TOTAL, tally.outcomeOf.size(), "callers answered");
      assertEquals(TOTAL, tally.functionOf.size(), "calls made");

      // Never more than M admitted at once, and M was reached.
      assertTrue(cluster.maxHeld() <= BOUND, "held " + cluster.maxHeld());
      assertEquals(BOUND, cluster.maxHeld(), "the bound was reached");
      assertTrue(tally.kind("Rejected") > 0, "some calls were refused at the bound");

      // Workers never took more than their slots; nothing ran twice.
      for (FakeCluster.Source source : tally.sources) {
        assertEquals(0, source.pullsBeyondSlots(), source.workerId() + " pulled past its slots");
      }
      runtime.startsByActivation().forEach(
          (id, starts) -> assertEquals(1, starts, "activation " + id + " started twice"));
      assertTrue(tally.vanished.get() >= TOTAL / VANISH_EVERY - 1, "workers vanished");

      // Each caller got its own activation's answer, of the kind its function produces.
      tally.outcomeOf.forEach((id, outcome) -> checkOutcome(id, outcome, tally));
      // A sanity floor, not an invariant: a starved machine refuses more and runs fewer.
      assertTrue(tally.kind("Succeeded") > TOTAL / 10, "successes: " + tally.kinds);
      assertTrue(tally.kind("Failed") > 0 && tally.kind("TimedOut") > 0, "failures: " + tally.kinds);
      assertTrue(tookMs < 60_000);
    }
  }

  private static void checkOutcome(String id, Outcome outcome, Tally tally) {
    assertEquals(id, outcome.activationId());
    String image = tally.functionOf.get(id).image();
    if (outcome instanceof Outcome.Succeeded s) {
      assertEquals(id, s.record().activationId());
      if (image.equals("echo")) {
        assertArrayEquals(tally.inputOf.get(id), s.record().result(), "echo of " + id);
      } else {
        assertEquals("stderr", image, "only echo and stderr succeed");
        assertEquals("out", new String(s.record().result(), StandardCharsets.UTF_8));
      }
    } else if (outcome instanceof Outcome.Failed f) {
      FailureKind expected =
          switch (image) {
            case "fail" -> FailureKind.NON_ZERO_EXIT;
            case "oom" -> FailureKind.OUT_OF_MEMORY;
            case "flood" -> FailureKind.OUTPUT_TOO_LARGE;
            case "missing" -> FailureKind.IMAGE_NOT_FOUND;
            case "vanish", "down" -> FailureKind.PLATFORM_ERROR;
            default -> null;
          };
      if (f.failure() != FailureKind.WORKER_LOST && f.failure() != FailureKind.PLATFORM_ERROR) {
        assertNotNull(expected, image + " failed with " + f.failure());
      }
      if (f.failure() != FailureKind.WORKER_LOST) {
        assertNotNull(f.record());
        assertEquals(id, f.record().activationId());
        if (f.failure() != FailureKind.PLATFORM_ERROR) {
          assertEquals(expected, f.failure(), image);
        }
      }
      if (f.failure() == FailureKind.NON_ZERO_EXIT) {
        assertEquals(3, f.exitCode());
      }
    } else if (outcome instanceof Outcome.TimedOut t) {
      if (t.record() != null) {
        assertEquals("hang", image, "only hang times out");
      }
    }
  }
}
