package dev.faas.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.faas.actors.image.RegistryLogin;
import dev.faas.actors.model.ImageNames;
import dev.faas.actors.runtime.ContainerFailure;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls an image reference into the engine, once at a time per reference: starts that find the
 * same reference missing while its pull is under way wait for that pull instead of starting their
 * own (single flight). A pull that ended, however, is not remembered: a later miss pulls again.
 *
 * <p>A pull is a long streaming call: it goes through a client whose answer deadline is the pull's
 * own ({@link DockerSettings#pullTimeout()}), not the engine-call deadline, and its progress
 * stream is bounded by the same deadline here. It blocks a thread of the runtime's executor for
 * its length.
 */
final class ImagePuller {
  private static final Logger log = LoggerFactory.getLogger(ImagePuller.class);
  /** How often a pull under way logs its progress. */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  private static final Pattern ENGINE_MESSAGE =
      Pattern.compile("^Status \\d+: \\{\"message\":\"(.*)\"\\}$");

  private final DockerClient docker;
  private final Executor executor;
  private final Duration timeout;
  private final PullLogins logins;
  private final PullListener listener;
  private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * @param docker a streaming client whose answer deadline is {@code timeout}
   * @param executor where pulls block
   * @param logins whose registry credentials a pull uses
   * @param listener hears how each pull ended
   */
  ImagePuller(
      DockerClient docker,
      Executor executor,
      Duration timeout,
      PullLogins logins,
      PullListener listener) {
    this.listener = listener;
    this.docker = docker;
    this.executor = executor;
    this.timeout = timeout;
    this.logins = logins;
  }

  /**
   * Pulls {@code reference}, or joins its pull under way. The stage fails with {@link
   * ContainerFailure.ImageNotFound} naming the engine's reason when the engine could not pull it
   * (registry unreachable, no such image, unauthorized, deadline passed), and with {@link
   * ContainerFailure.EngineUnavailable} when the engine itself failed.
   */
  CompletableFuture<Void> pull(String reference) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = inFlight.putIfAbsent(reference, mine);
    if (running != null) {
      return running.copy();
    }
    started.incrementAndGet();
    logins
        .forImage(reference)
        .toCompletableFuture()
        .thenCompose(login -> Async.run(executor, () -> pullNow(reference, login)))
        .whenComplete(
            (done, failure) -> {
              // Out of the map before anyone hears: a start after this one pulls anew.
              inFlight.remove(reference, mine);
              if (failure == null) {
                succeeded.incrementAndGet();
                tell(reference, Optional.empty());
                mine.complete(null);
              } else {
                failed.incrementAndGet();
                Throwable cause = Async.cause(failure);
                // Once per failed pull, however many starts waited for it.
                log.warn("Pull of image [{}] failed: [{}]", reference, cause.getMessage());
                tell(reference, Optional.ofNullable(cause.getMessage()).or(() -> Optional.of(
                    cause.getClass().getSimpleName())));
                mine.completeExceptionally(cause);
              }
            });
    return mine.copy();
  }

  private void tell(String reference, Optional<String> failure) {
    try {
      listener.ended(reference, failure);
    } catch (RuntimeException e) {
      log.warn("A pull listener failed for image [{}]", reference, e);
    }
  }

  /** Pulls started, succeeded and failed since this puller was made. */
  long started() {
    return started.get();
  }

  long succeeded() {
    return succeeded.get();
  }

  long failed() {
    return failed.get();
  }

  /** Pulls under way now. */
  int inFlight() {
    return inFlight.size();
  }

  /** Pulls {@code reference} on the current thread, within the deadline, as {@code login}. */
  private void pullNow(String reference, Optional<RegistryLogin> login) {
    String repository = ImageNames.repository(reference);
    String digest = ImageNames.digest(reference);
    // The engine takes a digest where the tag goes; a reference with neither means latest (a
    // bare repository would pull every tag of it).
    String tag = digest != null ? digest : ImageNames.tag(reference);
    long begin = System.nanoTime();
    log.info("Pulling image [{}]{}", reference,
        login.map(l -> " as [" + l.username() + "]").orElse(""));
    Progress progress = new Progress(reference);
    boolean done;
    try {
      PullImageCmd pull = docker.pullImageCmd(repository).withTag(tag);
      login.ifPresent(
          l ->
              pull.withAuthConfig(
                  new AuthConfig()
                      .withRegistryAddress(l.host())
                      .withUsername(l.username())
                      .withPassword(l.password())));
      pull.exec(progress);
      done = progress.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerFailure.EngineUnavailable("interrupted pulling " + reference, e);
    } catch (RuntimeException e) {
      throw failure(reference, e);
    } finally {
      closeQuietly(progress);
    }
    if (!done) {
      throw notPulled(reference, "not pulled within " + timeout.toMillis() + " ms", null);
    }
    String error = progress.error;
    if (error != null) {
      throw notPulled(reference, error, null);
    }
    log.info("Pulled image [{}] in [{}] ms", reference,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  /**
   * What a failed pull call means: the engine answered with an error status (the registry's
   * refusal, passed on) → the image cannot be had; anything else → the engine is at fault.
   */
  private static ContainerFailure failure(String reference, RuntimeException e) {
    Throwable t = Async.cause(e);
    if (t instanceof DockerException) {
      return notPulled(reference, engineReason(t.getMessage()), t);
    }
    return EngineErrors.of("pull " + reference, t);
  }

  /** The image is not found; its reason rides in the message, after the reference. */
  private static ContainerFailure notPulled(String reference, String reason, Throwable cause) {
    return new ContainerFailure.ImageNotFound(reference + " (pull failed: " + reason + ")", cause);
  }

  /**
   * The engine's own words from docker-java's {@code Status 404: {"message":"..."}}, or the whole
   * message when it has another shape.
   */
  static String engineReason(String message) {
    String line = oneLine(message);
    Matcher m = ENGINE_MESSAGE.matcher(line);
    return m.find() ? m.group(1).replace("\\\"", "\"") : line;
  }

  private static String oneLine(String message) {
    return message == null ? "no reason given" : message.strip().replace('\n', ' ');
  }

  private static void closeQuietly(Progress progress) {
    try {
      progress.close();
    } catch (Exception e) {
      log.debug("Closing a pull's stream failed", e);
    }
  }

  /**
   * The pull's progress stream: an error in it fails the pull; the layers' progress is logged at
   * most every {@link #PROGRESS_EVERY}, so a long pull says how far it got.
   */
  private static final class Progress extends ResultCallback.Adapter<PullResponseItem> {
    private final String reference;
    private final Map<String, String> layers = new ConcurrentHashMap<>();
    private final Map<String, Long> downloaded = new ConcurrentHashMap<>();
    private volatile String error;
    private volatile long lastLog = System.nanoTime();

    Progress(String reference) {
      this.reference = reference;
    }

    @Override
    public void onNext(PullResponseItem item) {
      if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
        error = oneLine(item.getErrorDetail().getMessage());
      } else if (item.getError() != null) {
        error = oneLine(item.getError());
      } else if (item.getId() != null && item.getStatus() != null) {
        layers.put(item.getId(), item.getStatus());
        if (item.getProgressDetail() != null && item.getProgressDetail().getCurrent() != null
            && item.getStatus().startsWith("Downloading")) {
          downloaded.put(item.getId(), item.getProgressDetail().getCurrent());
        }
        logNowAndThen();
      }
    }

    private void logNowAndThen() {
      long now = System.nanoTime();
      if (now - lastLog < PROGRESS_EVERY.toNanos()) {
        return;
      }
      lastLog = now;
      long done =
          layers.values().stream()
              .filter(st -> st.startsWith("Pull complete") || st.startsWith("Already exists"))
              .count();
      long bytes = downloaded.values().stream().mapToLong(Long::longValue).sum();
      log.info("Pulling image [{}]: [{}] of [{}] layers done, [{}] MB downloaded so far",
          reference, done, layers.size(), bytes / 1_000_000);
    }
  }
}
