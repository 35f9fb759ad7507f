package dev.faas.actors.fakes;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.runtime.OutputFrame;
import dev.faas.actors.runtime.ImagePull;
import dev.faas.actors.runtime.PreCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A container engine in memory. What a container does is chosen by its image's name:
 *
 * <ul>
 *   <li>{@code echo}: writes its stdin, then its arguments, to stdout in 4 KiB chunks; exits 0
 *   <li>{@code stderr}: writes {@code out} to stdout and its stdin to stderr; exits 0
 *   <li>{@code fail}: writes {@code partial} to stdout, {@code boom} to stderr; exits 3
 *   <li>{@code oom}: killed by the kernel: exit 137, OOM flag set
 *   <li>{@code hang}: writes {@code started}, then nothing until it is killed (exit 137)
 *   <li>{@code flood}: writes stdout forever, like {@code yes}, until killed
 *   <li>{@code vanish}: the engine goes away mid-run: its output fails, no exit ever comes
 *   <li>{@code nullexit}: a broken engine binding whose {@code exit()} returns null
 *   <li>{@code missing}: not present: start fails with image not found
 *   <li>{@code down}: the engine is unreachable: start fails
 * </ul>
 *
 * An unknown image behaves like {@code echo}. Containers are live from start until removed.
 */
public final class FakeRuntime implements ContainerRuntime {

  /** A container's behaviour once its input arrives. */
  public sealed interface Script {}

  public record Exit(List<OutputFrame> frames, int exitCode, boolean oom) implements Script {}

  public record Hang(List<OutputFrame> frames) implements Script {}

  public record Flood(ByteString chunk) implements Script {}

  public record Vanish(List<OutputFrame> frames) implements Script {}

  public record NullExit(List<OutputFrame> frames) implements Script {}

  private final ConcurrentHashMap<String, FakeContainer> live = new ConcurrentHashMap<>();
  private final List<FakeContainer> all = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, AtomicInteger> startsByActivation =
      new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<ContainerSpec> specs = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger maxLive = new AtomicInteger();
  private volatile Duration startDelay = Duration.ZERO;
  private volatile Duration removeDelay = Duration.ZERO;
  private volatile Function<ContainerSpec, Script> override;
  private volatile boolean engineHealthy = true;
  private final java.util.Set<String> leftovers = ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> deadWorkers = ConcurrentHashMap.newKeySet();
  private volatile String platform;
  private volatile boolean killsHang;

  /** Whether {@link #probe()} succeeds (and starts fail as with image {@code down}). */
  public void engineHealthy(boolean healthy) {
    this.engineHealthy = healthy;
  }
  private volatile PreCall preCall;
  private volatile ImagePull pulled;

  public void startDelay(Duration delay) {
    this.startDelay = delay;
  }

  /** How long a removal takes to complete. */
  public void removeDelay(Duration delay) {
    this.removeDelay = delay;
  }

  /** The image pull every container says its start waited for (null: none). */
  public void pulled(ImagePull pull) {
    this.pulled = pull;
  }

  /** What every container says it did before its call (null: nothing known). */
  public void preCall(PreCall usage) {
    this.preCall = usage;
  }

  /** Decides every container's script, image names aside (null: back to the image names). */
  public void override(Function<ContainerSpec, Script> script) {
    this.override = script;
  }

  @Override
  public CompletionStage<Container> start(ContainerSpec spec) {
    Executor executor =
        CompletableFuture.delayedExecutor(startDelay.toMillis(), TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(
        () -> {
          String image = spec.image();
          calls.add("start:" + spec.labels().get(ContainerSpec.ACTIVATION_LABEL));
          if (image.startsWith("missing")) {
            throw new ContainerFailure.ImageNotFound(image, null);
          }
          if (image.startsWith("down") || !engineHealthy) {
            throw new ContainerFailure.EngineUnavailable("engine unreachable", null);
          }
          specs.add(spec);
          String activation = spec.labels().get(ContainerSpec.ACTIVATION_LABEL);
          if (activation != null) {
            startsByActivation.computeIfAbsent(activation, a -> new AtomicInteger()).incrementAndGet();
          }
          return (Container) add(spec);
        },
        executor);
  }

  /** A container some earlier run left behind, carrying {@code labels}. */
  public FakeContainer leftover(Map<String, String> labels) {
    FakeContainer c =
        add(new ContainerSpec("echo", List.of(), Map.of(), 1, 1, 1, false, 1, labels));
    leftovers.add(c.id());
    return c;
  }

  private FakeContainer add(ContainerSpec spec) {
    FakeContainer c = new FakeContainer("c" + ids.incrementAndGet(), spec, System.nanoTime());
    live.put(c.id(), c);
    all.add(c);
    maxLive.accumulateAndGet(live.size(), Math::max);
    return c;
  }

  @Override
  public CompletionStage<Integer> removeLabelled(Map<String, String> labels) {
    calls.add("removeLabelled:" + labels);
    return removeWhere(labels, Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<Integer> removeOlderThan(Map<String, String> labels, Duration age) {
    calls.add("removeOlderThan:" + labels + ":" + age);
    return removeWhere(labels, System.nanoTime() - age.toNanos());
  }

  /** Whether a kill hangs, as on an engine stuck on the container: no answer and no exit. */
  public void killsHang(boolean hang) {
    this.killsHang = hang;
  }

  /** The platform whose containers {@link #removeOrphans} considers; null: any. */
  public void platform(String platform) {
    this.platform = platform;
  }

  /** Marks {@code workerId} dead, as an ended lease would: its containers are orphans. */
  public void deadWorker(String workerId) {
    deadWorkers.add(workerId);
  }

  /**
   * Removes the containers made by {@link #leftover} for {@code workerId}, and every container of
   * a worker marked {@link #deadWorker dead}; never those it started for a live worker.
   */
  @Override
  public CompletionStage<Integer> removeOrphans(String workerId) {
    calls.add("removeOrphans:" + workerId);
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (FakeContainer c : live.values()) {
      String worker = c.spec.labels().get(ContainerSpec.WORKER_LABEL);
      if (platform != null && !platform.equals(c.spec.labels().get(ContainerSpec.PLATFORM_LABEL))) {
        continue;
      }
      if ((workerId.equals(worker) && leftovers.contains(c.id()))
          || (worker != null && deadWorkers.contains(worker))) {
        removals.add(c.remove().toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
        .thenApplyAsync(v -> removals.size());
  }

  /** Completes, with how many, once every matching container is gone. */
  private CompletionStage<Integer> removeWhere(Map<String, String> labels, long createdBefore) {
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (FakeContainer c : live.values()) {
      if ((createdBefore == Long.MAX_VALUE || c.createdNanos - createdBefore < 0)
          && c.spec.labels().entrySet().containsAll(labels.entrySet())) {
        removals.add(c.remove().toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
        .thenApplyAsync(v -> removals.size());
  }

  @Override
  public CompletionStage<Void> probe() {
    calls.add("probe");
    return engineHealthy
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(
            new ContainerFailure.EngineUnavailable("engine unreachable", null));
  }

  public int liveCount() {
    return live.size();
  }

  public List<FakeContainer> liveContainers() {
    return new ArrayList<>(live.values());
  }

  /** Every container ever made, removed ones included. */
  public List<FakeContainer> allContainers() {
    return List.copyOf(all);
  }

  public int maxLive() {
    return maxLive.get();
  }

  public List<String> calls() {
    return List.copyOf(calls);
  }

  public List<ContainerSpec> specs() {
    return List.copyOf(specs);
  }

  /** How often a container was started for each activation (never more than once, we hope). */
  public Map<String, Integer> startsByActivation() {
    Map<String, Integer> m = new java.util.HashMap<>();
    startsByActivation.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private Script scriptFor(ContainerSpec spec, byte[] stdin) {
    Function<ContainerSpec, Script> o = override;
    if (o != null) {
      return o.apply(spec);
    }
    String image = spec.image();
    if (image.startsWith("stderr")) {
      return new Exit(List.of(out("out"), new OutputFrame(OutputFrame.Channel.STDERR,
          ByteString.fromArray(stdin))), 0, false);
    }
    if (image.startsWith("fail")) {
      return new Exit(List.of(out("partial"), err("boom")), 3, false);
    }
    if (image.startsWith("oom")) {
      return new Exit(List.of(err("allocating")), 137, true);
    }
    if (image.startsWith("hang")) {
      return new Hang(List.of(out("started")));
    }
    if (image.startsWith("flood")) {
      byte[] yes = new byte[8192];
      java.util.Arrays.fill(yes, (byte) 'y');
      return new Flood(ByteString.fromArray(yes));
    }
    if (image.startsWith("vanish")) {
      return new Vanish(List.of(out("half")));
    }
    if (image.startsWith("nullexit")) {
      return new NullExit(List.of(out("x")));
    }
    ByteString all = ByteString.fromArray(stdin);
    for (String arg : spec.args()) {
      all = all.concat(ByteString.fromString(arg, StandardCharsets.UTF_8));
    }
    List<OutputFrame> frames = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 4096) {
      frames.add(new OutputFrame(OutputFrame.Channel.STDOUT, all.slice(i, Math.min(all.size(), i + 4096))));
    }
    return new Exit(frames, 0, false);
  }

  public static OutputFrame out(String s) {
    return new OutputFrame(OutputFrame.Channel.STDOUT, ByteString.fromString(s));
  }

  public static OutputFrame err(String s) {
    return new OutputFrame(OutputFrame.Channel.STDERR, ByteString.fromString(s));
  }

  /** One container: its process starts when {@link #run} writes its input. */
  public final class FakeContainer implements Container {
    private final String id;
    private final ContainerSpec spec;
    private final long createdNanos;
    private final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> killed = new CompletableFuture<>();
    private final AtomicBoolean ran = new AtomicBoolean();
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger removes = new AtomicInteger();
    private volatile Script script;
    private volatile byte[] stdin;
    private volatile boolean gone;

    FakeContainer(String id, ContainerSpec spec, long createdNanos) {
      this.id = id;
      this.spec = spec;
      this.createdNanos = createdNanos;
    }

    @Override
    public String id() {
      return id;
    }

    public ContainerSpec spec() {
      return spec;
    }

    public byte[] stdin() {
      return stdin;
    }

    public int kills() {
      return kills.get();
    }

    public int removes() {
      return removes.get();
    }

    public boolean ran() {
      return ran.get();
    }

    @Override
    public Source<OutputFrame, NotUsed> run(byte[] input) {
      if (!ran.compareAndSet(false, true)) {
        throw new IllegalStateException("a container serves one activation");
      }
      stdin = input.clone();
      Script s = scriptFor(spec, stdin);
      script = s;
      if (s instanceof Exit e) {
        exit.complete(new ContainerExit(e.exitCode(), e.oom()));
        return Source.from(e.frames());
      }
      if (s instanceof Hang h) {
        return Source.from(h.frames())
            .concat(Source.completionStageSource(killed.thenApply(v -> Source.<OutputFrame>empty())));
      }
      if (s instanceof Flood f) {
        return Source.repeat(new OutputFrame(OutputFrame.Channel.STDOUT, f.chunk()))
            .takeWhile(frame -> !killed.isDone());
      }
      if (s instanceof Vanish v) {
        return Source.from(v.frames())
            .concat(Source.failed(new ContainerFailure.EngineUnavailable("engine went away", null)));
      }
      NullExit n = (NullExit) s;
      exit.complete(new ContainerExit(0, false));
      return Source.from(n.frames());
    }

    @Override
    public Optional<PreCall> preCall() {
      return Optional.ofNullable(preCall);
    }

    @Override
    public Optional<ImagePull> pulled() {
      return Optional.ofNullable(pulled);
    }

    @Override
    public CompletionStage<ContainerExit> exit() {
      return script instanceof NullExit ? null : exit;
    }

    @Override
    public CompletionStage<Void> kill() {
      kills.incrementAndGet();
      if (killsHang) {
        return new CompletableFuture<>(); // an engine stuck on the container: no answer, no exit
      }
      if (script instanceof Vanish) {
        return CompletableFuture.failedFuture(
            new ContainerFailure.EngineUnavailable("engine went away", null));
      }
      killed.complete(null);
      exit.complete(new ContainerExit(137, false));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> remove() {
      removes.incrementAndGet();
      killed.complete(null);
      exit.complete(new ContainerExit(137, false));
      Executor executor =
          CompletableFuture.delayedExecutor(removeDelay.toMillis(), TimeUnit.MILLISECONDS);
      return CompletableFuture.runAsync(
          () -> {
            live.remove(id);
            gone = true;
          },
          executor);
    }

    /** True once a removal has completed. */
    public boolean gone() {
      return gone;
    }
  }
}
