package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.faas.docker.ImageEviction.Image;
import dev.faas.docker.ImageEviction.Removal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker's image store bounded: every {@link ImageCacheSettings#every()}, one round on the
 * runtime's blocking executor lists the engine's images and all its containers, asks {@link
 * ImageEviction} which images to remove, and removes them (not forced, so the engine refuses an
 * image a container has just started from: that one is skipped, and looked at again next round).
 * Every call goes through the control client, under the engine-call deadline.
 *
 * <p>A round is skipped while the functions are not known yet ({@code referenced} is empty: the
 * node's watch of the functions has not caught up), since every image would look unreferenced.
 * The times an image was first seen unreferenced and last used are this process's memory: a
 * restarted worker gives every image its grace again.
 */
public final class ImageJanitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImageJanitor.class);

  private final DockerClient control;
  private final Executor executor;
  private final ImageCacheSettings settings;
  private final Supplier<Optional<Set<String>>> referenced;
  private final Clock clock;
  private final Predicate<Image> scope;
  private final ScheduledExecutorService timer;
  /** When a container was last created from a reference (engine form), told by the runtime. */
  private final Map<String, Instant> usedByReference = new ConcurrentHashMap<>();
  private final AtomicLong removed = new AtomicLong();
  private volatile long imagesBytes;
  private volatile boolean closed;
  /** Round state, only read and written inside {@link #round()}, one round at a time. */
  private Map<String, Instant> unreferencedSince = Map.of();
  /**
   * The images this platform has had a part in (see {@link ImageEviction.Snapshot#known}): grows
   * for the process's life (a name per image a function ever ran), guarded by this.
   */
  private final Set<String> known = new HashSet<>();

  private Map<String, Instant> lastUsed = Map.of();

  /**
   * @param control the runtime's control client (every call under the engine-call deadline)
   * @param executor where rounds block: the runtime's executor
   * @param referenced the run images of all functions ({@code FunctionSpec.runImage()}), or empty
   *     while they are not known
   * @param scope the only images this janitor may remove; every image outside the tests
   */
  ImageJanitor(
      DockerClient control,
      Executor executor,
      ImageCacheSettings settings,
      Supplier<Optional<Set<String>>> referenced,
      Clock clock,
      Predicate<Image> scope) {
    this.control = control;
    this.executor = executor;
    this.settings = settings;
    this.referenced = referenced;
    this.clock = clock;
    this.scope = scope;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "faas-image-janitor");
              thread.setDaemon(true);
              return thread;
            });
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /** Starts the periodic rounds, the first one period from now. */
  void start() {
    scheduleNext();
  }

  /** Runs one round now, on the executor; completes with what it did. */
  CompletableFuture<Round> sweep() {
    return Async.unwrapped(Async.supply(executor, this::round));
  }

  /** Notes that a container was just created from {@code reference}: it counts as used now. */
  void used(String reference) {
    usedByReference.put(EngineImageNames.of(reference), clock.instant());
  }

  /** The images' total size at the last round, as the engine lists them; 0 before it. */
  long imagesBytes() {
    return imagesBytes;
  }

  /** Images removed since this janitor was made. */
  long removedTotal() {
    return removed.get();
  }

  /** Stops the rounds; one under way finishes its current engine call at most. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
  }

  /**
   * What one round did.
   *
   * @param skipped true when the functions were not known yet, so nothing was looked at
   * @param totalBytes the images' total size before the removals
   * @param removed the images removed, and why
   */
  record Round(boolean skipped, long totalBytes, List<Removal> removed) {}

  private void scheduleNext() {
    if (closed) {
      return;
    }
    try {
      timer.schedule(
          () ->
              sweep()
                  .whenComplete(
                      (round, failure) -> {
                        if (failure != null) {
                          log.warn(
                              "Image cache round failed: [{}]",
                              Async.cause(failure).getMessage());
                        }
                        // The next round a period after this one ended: rounds never overlap.
                        scheduleNext();
                      }),
          settings.every().toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      // Closed meanwhile.
    }
  }

  /** One round: gather, decide, remove; blocking. */
  private synchronized Round round() {
    Optional<Set<String>> functions = referenced.get();
    if (functions.isEmpty() || closed) {
      log.debug("Image cache round skipped: the functions are not known yet");
      return new Round(true, imagesBytes, List.of());
    }
    Set<String> references = new HashSet<>();
    functions.get().forEach(r -> references.add(EngineImageNames.of(r)));
    known.addAll(references);
    known.addAll(usedByReference.keySet());
    List<Image> images = listImages();
    Set<String> inUse = imagesInUse();
    Instant now = clock.instant();
    unreferencedSince =
        ImageEviction.unreferencedSince(images, references, unreferencedSince, now);
    lastUsed = lastUsed(images, inUse, now);
    ImageEviction.Snapshot snapshot =
        new ImageEviction.Snapshot(
            images, inUse, references, known, unreferencedSince, lastUsed, now, settings.grace(),
            settings.capBytes());
    long total = snapshot.totalBytes();
    List<Removal> done = new ArrayList<>();
    for (Removal removal : ImageEviction.decide(snapshot)) {
      if (scope.test(removal.image()) && remove(removal)) {
        done.add(removal);
        total -= removal.image().sizeBytes();
      }
    }
    imagesBytes = total;
    return new Round(false, snapshot.totalBytes(), done);
  }

  /**
   * When each image was last used: now for those a container uses, the latest creation from one
   * of its names the runtime told, else what the last round knew, else now (first seen).
   */
  private Map<String, Instant> lastUsed(List<Image> images, Set<String> inUse, Instant now) {
    Map<String, Instant> used = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (Image image : images) {
      Instant at = inUse.contains(image.id()) ? now : lastUsed.getOrDefault(image.id(), now);
      for (String name : concat(image.repoTags(), image.repoDigests())) {
        names.add(name);
        Instant told = usedByReference.get(name);
        if (told != null && told.isAfter(at)) {
          at = told;
        }
      }
      used.put(image.id(), at);
    }
    // Names of images no longer there are forgotten; their image is gone.
    usedByReference.keySet().retainAll(names);
    return used;
  }

  private List<Image> listImages() {
    List<com.github.dockerjava.api.model.Image> listed;
    try {
      listed = control.listImagesCmd().exec();
    } catch (RuntimeException e) {
      throw EngineErrors.of("list images", e);
    }
    return listed.stream()
        .map(
            i ->
                new Image(
                    i.getId(),
                    i.getSize() == null ? 0 : i.getSize(),
                    listOf(i.getRepoTags()),
                    listOf(i.getRepoDigests()),
                    i.getLabels() == null ? Map.of() : i.getLabels()))
        .toList();
  }

  /** Ids of the images of every container on the engine, whatever its state or platform. */
  private Set<String> imagesInUse() {
    List<Container> containers;
    try {
      containers = control.listContainersCmd().withShowAll(true).exec();
    } catch (RuntimeException e) {
      throw EngineErrors.of("list containers", e);
    }
    Set<String> ids = new HashSet<>();
    for (Container c : containers) {
      if (c.getImageId() != null) {
        ids.add(c.getImageId());
      }
    }
    return ids;
  }

  /** Removes one image; false when the engine refused (in use now) or it was gone already. */
  private boolean remove(Removal removal) {
    Image image = removal.image();
    try {
      control.removeImageCmd(image.id()).withForce(false).withNoPrune(false).exec();
    } catch (RuntimeException e) {
      if (EngineErrors.isConflict(e)) {
        log.info("Image [{}] not removed: the engine refused ({})", image.describe(),
            String.valueOf(Async.cause(e).getMessage()).strip().replace('\n', ' '));
        return false;
      }
      if (EngineErrors.isNotFound(e)) {
        return false;
      }
      throw EngineErrors.of("remove image " + image.describe(), e);
    }
    removed.incrementAndGet();
    log.info("Removed image [{}], [{}] bytes: {}", image.describe(), image.sizeBytes(),
        removal.reason());
    return true;
  }

  private static List<String> listOf(String[] names) {
    return names == null ? List.of() : Arrays.asList(names);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
