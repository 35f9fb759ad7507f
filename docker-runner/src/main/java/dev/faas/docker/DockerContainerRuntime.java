package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.faas.actors.model.Names;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.ContainerRuntime;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.runtime.ImagePull;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runtime on a Docker engine, through docker-java.
 *
 * <p>Every blocking call runs on the executor given to the constructor (the node passes a
 * dedicated dispatcher); attaches and waits run on docker-java's own threads, one per call. No
 * method blocks its caller. Stages fail with a {@link ContainerFailure} itself, not wrapped.
 *
 * <p>Containers of stdin-mode functions (no args) are started by {@link #start}: their process
 * then blocks reading stdin, which is what lets the warm path start them ahead of time. Containers
 * of args-mode functions are created by {@link #start} and started by their run, once their output
 * is attached: such a process does not wait for anything, and output it wrote before an attach
 * could only be read back from the engine's log, not streamed.
 */
public final class DockerContainerRuntime implements ContainerRuntime, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);
  private static final Duration FAAS_INIT_RETRY = Duration.ofSeconds(30);
  /** A set-aside container is tried again after 1 s, then 2, 4 and every 8 s. */
  private static final Duration STUCK_BACKOFF_MIN = Duration.ofSeconds(1);
  private static final Duration STUCK_BACKOFF_MAX = Duration.ofSeconds(8);
  /** The most removals of set-aside containers in flight: their share of the connections. */
  private static final int STUCK_ATTEMPTS_IN_FLIGHT = 2;
  /** How recent a container start must be to answer a probe without starting one. */
  static final Duration PROBE_FRESHNESS = Duration.ofSeconds(10);

  private final DockerSettings settings;
  private final Executor executor;
  private final Deadlines deadlines = new Deadlines();
  private final DockerClient control;
  private final DockerClient streams;
  private final DockerClient pulls;
  private final ContainerCreator creator;
  private final ImagePuller puller;
  private final PullListener pullListener;
  private final EngineImages images;
  private final DieEvents dieEvents;
  private final StuckContainers stuck;
  private final Set<String> owned = ConcurrentHashMap.newKeySet();
  /** Containers of this worker made before this are its previous run's. */
  private final Instant startedAt = Instant.now();
  private final Engine engine;
  private final ProbeImage probeImage;
  private final EngineProbe probe;
  private final WorkerLease lease;
  private final EgressNetwork egress;
  private final Object faasInitLock = new Object();
  private volatile ImageJanitor janitor;
  private volatile FaasInit faasInit;
  /** faas-init is not tried before this (System.nanoTime()): set after a failed install. */
  private long faasInitRetryAt = System.nanoTime();

  /**
   * A runtime on the engine of {@code settings}, running blocking calls on {@code executor}.
   * Connects lazily: use {@link #probe()} to check the engine.
   *
   * @param executor where engine calls block; give it threads of its own (a dedicated
   *     dispatcher): a pool whose threads wait on this runtime's stages would starve the calls
   *     that complete them
   */
  public DockerContainerRuntime(DockerSettings settings, Executor executor) {
    this(settings, executor, PullLogins.ANONYMOUS);
  }

  /**
   * A runtime as above whose pulls use the credentials {@code logins} names for an image.
   */
  public DockerContainerRuntime(DockerSettings settings, Executor executor, PullLogins logins) {
    this(settings, executor, logins, PullListener.NONE);
  }

  /**
   * A runtime as above whose pulls use the credentials {@code logins} names for an image, and
   * end by telling {@code pullListener} (prefetches of an image the engine has included).
   */
  public DockerContainerRuntime(
      DockerSettings settings, Executor executor, PullLogins logins, PullListener pullListener) {
    this.pullListener = pullListener;
    this.settings = settings;
    this.executor = executor;
    this.control = DockerClients.control(settings, deadlines);
    this.streams = DockerClients.streaming(settings, deadlines);
    this.pulls = DockerClients.pulls(settings, deadlines);
    this.creator = new ContainerCreator(control, settings);
    this.puller =
        new ImagePuller(pulls, executor, settings.pullTimeout(), logins, pullListener);
    this.images = new EngineImages(control, executor);
    this.dieEvents = new DieEvents(streams, settings.platform());
    this.stuck =
        new StuckContainers(
            control, executor, STUCK_BACKOFF_MIN, STUCK_BACKOFF_MAX, STUCK_ATTEMPTS_IN_FLIGHT);
    this.engine = new Engine(control, streams, executor, settings, dieEvents, stuck, owned);
    this.probeImage = new ProbeImage(control, settings);
    this.probe = new EngineProbe(control, executor, settings, probeImage, PROBE_FRESHNESS);
    this.lease = new WorkerLease(control, streams, settings, probeImage);
    this.egress = new EgressNetwork(control, settings);
  }

  /**
   * {@inheritDoc}
   *
   * <p>An image missing from the engine is pulled, then the container created again, once; starts
   * of an image whose pull is under way wait for that pull (see {@link ImagePuller}). An image id
   * or id prefix is never looked up, created from or pulled: a function registered before the API
   * refused them finds no image (the engine would run whatever local image has that id).
   */
  @Override
  public CompletionStage<dev.faas.actors.runtime.Container> start(ContainerSpec spec) {
    if (Names.isImageId(spec.image())) {
      return CompletableFuture.failedFuture(
          new ContainerFailure.ImageNotFound(spec.image(), null));
    }
    return Async.unwrapped(
        Async.supply(executor, () -> startNow(spec))
            .exceptionallyCompose(
                failure -> {
                  Throwable cause = Async.cause(failure);
                  if (!(cause instanceof ContainerFailure.ImageNotFound)) {
                    return CompletableFuture.failedFuture(cause);
                  }
                  Instant pullFrom = Instant.now();
                  return puller
                      .pull(spec.image())
                      .thenCompose(
                          pulled -> {
                            ImagePull pull = new ImagePull(spec.image(), pullFrom, Instant.now());
                            return Async.supply(executor, () -> startNow(spec, pull));
                          });
                }));
  }

  /**
   * The engine host's memory, as the engine reports it; blocking, under the call deadline. The
   * worker's default memory budget is made from it once, at its start (docs/decisions/0017).
   */
  public long engineMemoryBytes() {
    Long total = control.infoCmd().exec().getMemTotal();
    return total == null ? 0 : total;
  }

  /** What images this runtime's engine has (for the local-first policy). */
  public EngineImages localImages() {
    return images;
  }

  /**
   * Pulls {@code image} unless the engine has it already: a function registered or updated is
   * pulled ahead of its first call. Joins a pull of it under way (single flight); fails as {@link
   * #start} does when the image cannot be had.
   */
  public CompletionStage<Void> prefetch(String image) {
    if (Names.isImageId(image)) {
      return CompletableFuture.failedFuture(new ContainerFailure.ImageNotFound(image, null));
    }
    return images
        .repoDigests(image)
        .thenCompose(
            found -> {
              if (found.isPresent()) {
                pullListener.ended(image, Optional.empty());
                return CompletableFuture.<Void>completedFuture(null);
              }
              return puller.pull(image);
            });
  }

  private void forgetEgress(ContainerSpec spec) {
    if (spec.network()) {
      egress.forget();
    }
  }

  /** Creates the container of {@code spec}, and starts it for stdin mode; blocking. */
  private dev.faas.actors.runtime.Container startNow(ContainerSpec spec) {
    return startNow(spec, null);
  }

  /** @param pull the pull this start waited for, null when none */
  private dev.faas.actors.runtime.Container startNow(ContainerSpec spec, ImagePull pull) {
    boolean startsOnRun = !spec.args().isEmpty();
    ContainerCreator.Created created;
    try {
      if (spec.network()) {
        try {
          egress.ensure();
        } catch (EgressNetwork.FirewallFailed e) {
          // Closed rather than open: no networked function runs without its rules. The engine
          // itself is fine, so the worker's health does not suffer (a plain failure, not
          // EngineUnavailable).
          throw new ContainerFailure("egress is not firewalled: " + e.getMessage(), e);
        } catch (RuntimeException e) {
          throw EngineErrors.of("prepare the egress network", e);
        }
      }
      created = creator.create(spec, startsOnRun ? null : faasInit());
    } catch (ContainerFailure.EngineUnavailable e) {
      probe.failed();
      forgetEgress(spec);
      throw e;
    } catch (RuntimeException e) {
      forgetEgress(spec);
      throw e;
    }
    String id = created.id();
    owned.add(id);
    ImageJanitor j = janitor;
    if (j != null) {
      j.used(spec.image());
    }
    DockerContainer container =
        new DockerContainer(id, spec.image(), startsOnRun, created.underFaasInit(), engine);
    container.pulledBefore(pull);
    if (!startsOnRun) {
      attachOrRemove(container);
      startOrRemove(container, spec.image());
      probe.started();
      container.boundBeforeCall();
      // Watched from now on: the wait call is open before any run, like the attaches.
      container.exitFuture();
    }
    log.debug("Container [{}] ready for image [{}]", id, spec.image());
    return container;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Only this platform's containers are considered: the platform label is added to {@code
   * labels} when they do not name it. A container the engine does not remove in time is set
   * aside and removed in the background; it is not counted.
   */
  @Override
  public CompletionStage<Integer> removeLabelled(Map<String, String> labels) {
    return Async.unwrapped(Async.supply(executor, () -> removeAll(labels, null)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Only this platform's containers are considered, as for {@link #removeLabelled}. The engine
   * dates containers in whole seconds, so a container may count as up to a second older than it
   * is.
   */
  @Override
  public CompletionStage<Integer> removeOlderThan(Map<String, String> labels, Duration age) {
    return Async.unwrapped(
        Async.supply(executor, () -> removeAll(labels, Instant.now().minus(age))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The lease is a container that lives as long as this process holds its attach ({@link
   * WorkerLease}); a worker whose lease has ended is dead. Containers of no worker (the probe's)
   * and of workers without a lease are left to {@link #removeOlderThan}. Without a faas-init for
   * the engine's architecture there is no lease: only this worker's own leftovers are removed.
   */
  @Override
  public CompletionStage<Integer> removeOrphans(String workerId) {
    return Async.unwrapped(Async.supply(executor, () -> removeOrphansNow(workerId)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answered at once while a container started here within the last {@link
   * #PROBE_FRESHNESS}; otherwise a probe container is started (see {@link EngineProbe}).
   */
  @Override
  public CompletionStage<Void> probe() {
    return Async.unwrapped(probe.check());
  }

  /**
   * Starts keeping the engine's image store bounded as {@link DockerSettings#imageCache()} says
   * (see {@link ImageJanitor}), unless it says never; once per runtime. The janitor stops when the
   * runtime closes.
   *
   * @param referenced the run images of all functions, or empty while they are not known yet
   * @throws IllegalStateException when a janitor was started already
   */
  public synchronized ImageJanitor startImageJanitor(Supplier<Optional<Set<String>>> referenced) {
    if (janitor != null) {
      throw new IllegalStateException("the image janitor is started already");
    }
    ImageJanitor j =
        new ImageJanitor(
            control, executor, settings.imageCache(), referenced, Clock.systemUTC(), image -> true);
    janitor = j;
    if (!settings.imageCache().enabled()) {
      log.info("Image cache: not looked after (the engine's images are left as they are)");
      return j;
    }
    j.start();
    log.info(
        "Image cache: at most [{}] bytes{}, unreferenced images kept [{}], checked every [{}]",
        settings.imageCache().capBytes(),
        settings.imageCache().bounded() ? "" : " (no bound)",
        settings.imageCache().grace(),
        settings.imageCache().every());
    return j;
  }

  /** What this runtime holds and has set aside, for the node's metrics. */
  public EngineStats stats() {
    return new EngineStats(
        owned.size(),
        stuck.count(),
        stuck.setAsideTotal(),
        stuck.removedTotal(),
        deadlines.expiredCount(),
        puller.started(),
        puller.succeeded(),
        puller.failed(),
        puller.inFlight(),
        janitor == null ? 0 : janitor.imagesBytes(),
        janitor == null ? 0 : janitor.removedTotal());
  }

  /**
   * The runtime's figures.
   *
   * @param containers containers created here and not yet removed or set aside
   * @param stuck containers set aside now: the engine did not remove them in time
   * @param setAsideTotal containers set aside since the runtime started
   * @param removedAfterStuck of those, removed by a later attempt
   * @param callsCut engine calls cut at their deadline since the runtime started
   * @param pullsStarted image pulls started since the runtime started (joined pulls not counted)
   * @param pullsSucceeded of those, pulls that ended with the image on the engine
   * @param pullsFailed of those, pulls that failed
   * @param pullsInFlight pulls under way now
   * @param imagesBytes the engine's images' total size at the image janitor's last round (0
   *     without a janitor)
   * @param imagesRemoved images the janitor removed since the runtime started
   */
  public record EngineStats(
      int containers,
      int stuck,
      long setAsideTotal,
      long removedAfterStuck,
      long callsCut,
      long pullsStarted,
      long pullsSucceeded,
      long pullsFailed,
      int pullsInFlight,
      long imagesBytes,
      long imagesRemoved) {}

  /**
   * faas-init installed on the engine, or null for docker-init: when it is off, when this build
   * has no binary for the engine's architecture, or for {@link #FAAS_INIT_RETRY} after installing
   * it failed. Installed once, by the first stdin-mode start (blocking, tens of milliseconds).
   */
  private FaasInit faasInit() {
    FaasInit ready = faasInit;
    if (ready != null || !settings.faasInit()) {
      return ready;
    }
    synchronized (faasInitLock) {
      if (faasInit != null) {
        return faasInit;
      }
      if (System.nanoTime() - faasInitRetryAt < 0) {
        return null;
      }
      try {
        String architecture = control.infoCmd().exec().getArchitecture();
        Optional<FaasInit> bundled = FaasInit.bundled(architecture);
        if (bundled.isEmpty()) {
          log.warn(
              "No faas-init built for the engine's architecture [{}]: containers run under"
                  + " docker-init, each run ending ~30 ms later",
              architecture);
          faasInitRetryAt = System.nanoTime() + Long.MAX_VALUE / 2;
          return null;
        }
        // The writer is made from the platform's own image, never the function's: an image
        // could ship a /.faas of its own (docs/decisions/0017).
        String writerImage =
            probeImage
                .ensure()
                .orElseThrow(() -> new IllegalStateException("no platform image to write with"));
        bundled.get().install(control, writerImage, settings.platform(), settings.callTimeout());
        faasInit = bundled.get();
        log.info("faas-init installed in volume [{}]", faasInit.volume());
        return faasInit;
      } catch (RuntimeException e) {
        log.warn(
            "Could not install faas-init; containers run under docker-init for {}",
            FAAS_INIT_RETRY,
            e);
        faasInitRetryAt = System.nanoTime() + FAAS_INIT_RETRY.toNanos();
        return null;
      }
    }
  }

  /** Containers whose die event is still awaited; for tests that nothing is left behind. */
  int exitsAwaited() {
    return dieEvents.waitingCount();
  }

  /**
   * For tests of a worker killed in its tracks: drops the connections, as a dead process's drop,
   * and leaves every container as it is, its lease ended but not removed.
   */
  void crash() throws IOException {
    dieEvents.close();
    stuck.close();
    try {
      control.close();
    } finally {
      try {
        streams.close();
      } finally {
        pulls.close();
      }
    }
  }

  /**
   * Closes the engine connections, ending and removing this worker's lease first; other
   * containers are left as they are.
   */
  @Override
  public void close() throws IOException {
    ImageJanitor j = janitor;
    if (j != null) {
      j.close();
    }
    lease.close();
    dieEvents.close();
    stuck.close();
    try {
      control.close();
    } finally {
      try {
        streams.close();
      } finally {
        try {
          pulls.close();
        } finally {
          deadlines.close();
        }
      }
    }
  }

  /**
   * Opens the container's attach calls before its start (its run then costs no round trip to the
   * engine); removes it when the engine does not accept them within the call timeout.
   */
  private void attachOrRemove(DockerContainer container) {
    try {
      container.attach().get(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw removed(container, EngineErrors.of("attach to container " + container.id(), e));
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw removed(container, EngineErrors.of("attach to container " + container.id(), cause));
    }
  }

  private void startOrRemove(DockerContainer container, String image) {
    try {
      control.startContainerCmd(container.id()).exec();
    } catch (RuntimeException e) {
      throw removed(container, EngineErrors.ofStart(image, e));
    }
  }

  /** Discards the container and returns {@code failure} to throw. */
  private static <E extends RuntimeException> E removed(DockerContainer container, E failure) {
    try {
      container.discard();
    } catch (RuntimeException removeFailure) {
      failure.addSuppressed(removeFailure);
    }
    return failure;
  }

  private int removeOrphansNow(String workerId) {
    Optional<String> lease = Optional.empty();
    try {
      lease = this.lease.ensure(workerId);
    } catch (RuntimeException e) {
      log.warn("Worker [{}] could not take its lease on the engine: [{}]", workerId,
          e.getMessage());
    }
    Map<String, String> filter = Map.of(ContainerSpec.PLATFORM_LABEL, settings.platform());
    List<Container> found;
    try {
      found = control.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec();
    } catch (RuntimeException e) {
      throw EngineErrors.of("list containers labelled " + filter, e);
    }
    Set<String> gone = Orphans.deadWorkers(found, workerId);
    int removed = 0;
    for (Container c : found) {
      if (stuck.contains(c.getId())
          || owned.contains(c.getId())
          || lease.map(c.getId()::equals).orElse(false)
          || !Orphans.isOrphan(c, workerId, gone, startedAt)) {
        continue;
      }
      if (remove(c.getId())) {
        removed++;
      }
    }
    if (removed > 0) {
      log.info("Removed [{}] containers no live worker holds (workers gone: {})", removed, gone);
    }
    return removed;
  }

  /** Force-removes container {@code id}; false when it was gone already or is set aside. */
  private boolean remove(String id) {
    try {
      control.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      return true;
    } catch (RuntimeException e) {
      if (!EngineErrors.isNotFound(e)) {
        stuck.setAside(id, e);
      }
      return false;
    }
  }

  /**
   * Force-removes the containers carrying all of {@code labels}, created before {@code cutoff}
   * (any time when null), but those set aside (their removal is under way).
   */
  private int removeAll(Map<String, String> labels, Instant cutoff) {
    Map<String, String> filter = new HashMap<>(labels);
    // A platform never removes another's containers, whatever the caller forgot.
    filter.putIfAbsent(ContainerSpec.PLATFORM_LABEL, settings.platform());
    List<Container> found;
    try {
      found = control.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec();
    } catch (RuntimeException e) {
      throw EngineErrors.of("list containers labelled " + filter, e);
    }
    int removed = 0;
    for (Container c : found) {
      if (stuck.contains(c.getId())) {
        continue;
      }
      // The engine reports creation in whole seconds.
      if (cutoff != null
          && (c.getCreated() == null || !Instant.ofEpochSecond(c.getCreated()).isBefore(cutoff))) {
        continue;
      }
      if (remove(c.getId())) {
        removed++;
      }
    }
    if (removed > 0) {
      log.info("Removed [{}] containers labelled [{}]", removed, filter);
    }
    return removed;
  }
}
