package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.ContainerSpec;
import dev.faas.actors.runtime.OutputFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Failures, kill and removal, the bounded output, and the engine's odd cases. */
class LifecycleIT extends DockerFixture {
  private static final Logger log = LoggerFactory.getLogger(LifecycleIT.class);

  @Test
  void missingImageIsTheFunctionsFault() {
    assertFailsWith(
        ContainerFailure.ImageNotFound.class, runtime.start(spec(TestImages.MISSING)));
    assertFailsWith(
        ContainerFailure.ImageNotFound.class,
        runtime.start(spec(TestImages.MISSING, List.of("arg"), 64 * MIB, 64, Map.of())));
  }

  /**
   * An image id prefix is never looked up as an id: a function stored with one (before the API
   * refused them) finds no image, even though a local image has that id.
   */
  @Test
  void anImageIdPrefixFindsNoImage() {
    String id = docker.inspectImageCmd(TestImages.CAT).exec().getId(); // sha256:<64 hex>
    String prefix = id.substring("sha256:".length(), "sha256:".length() + 12);
    assertFailsWith(ContainerFailure.ImageNotFound.class, runtime.start(spec(prefix)));
    assertFailsWith(ContainerFailure.ImageNotFound.class, runtime.start(spec(id)));
  }

  /** With faas-init as PID 1, the engine starts the container and init reports the failure. */
  @Test
  void commandThatCannotRunIsANonZeroExit() throws Exception {
    Result result = activate(spec(TestImages.BROKEN), "");

    assertTrue(
        result.output().err().contains("faas-init: cannot run /no/such/command"),
        result.output().err());
    assertEquals(new ContainerExit(127, false), result.exit());
  }

  @Test
  void startFailureRemovesTheCreatedContainer() {
    ContainerSpec bad = spec(TestImages.CAT);
    // An invalid tmpfs size passes create and fails the mount at start.
    bad =
        new ContainerSpec(
            bad.image(), bad.args(), bad.env(), bad.memoryBytes(), bad.nanoCpus(),
            bad.pidsLimit(), bad.network(), -1, bad.labels());

    Throwable failure = assertFailsWith(ContainerFailure.class, runtime.start(bad));

    assertTrue(failure.getMessage().contains("tmpfs"), failure.getMessage());
    // @AfterEach: the created container was removed.
  }

  @Test
  void unreachableEngineIsThePlatformsFault() throws Exception {
    await(runtime.probe());
    try (DockerContainerRuntime nowhere =
        new DockerContainerRuntime(
            settings().withDockerHost(URI.create("unix:///nonexistent/docker.sock")), executor)) {
      assertFailsWith(ContainerFailure.EngineUnavailable.class, nowhere.probe());
      assertFailsWith(
          ContainerFailure.EngineUnavailable.class, nowhere.start(spec(TestImages.CAT)));
    }
  }

  @Test
  void killEndsASleepingContainerQuicklyAndRemoveLeavesNothing() throws Exception {
    Container container = await(runtime.start(spec(TestImages.SH)));
    CompletableFuture<Output> output =
        CompletableFuture.supplyAsync(() -> collectQuietly(container, "echo sleeping; sleep 60"));
    // The shell has read its script once its sleep runs (the engine keeps no log to read:
    // docs/decisions/0017).
    eventually(Duration.ofSeconds(10), () -> sleeping(container.id()));

    long before = System.nanoTime();
    await(container.kill());
    ContainerExit exit = await(container.exit());
    long killMillis = (System.nanoTime() - before) / 1_000_000;

    log.info("Killed a sleeping container in [{}] ms", killMillis);
    assertEquals(137, exit.exitCode());
    assertTrue(killMillis < 5_000, killMillis + " ms");
    assertEquals("sleeping\n", output.get(10, TimeUnit.SECONDS).out());

    await(container.remove());
    await(container.remove()); // idempotent
    await(container.kill()); // a kill of a removed container is not an error
    assertThrows(
        NotFoundException.class, () -> docker.inspectContainerCmd(container.id()).exec());
  }

  /**
   * A function that writes without end: while the consumer is slower, the frames received run
   * ahead of the frames consumed by the buffer and no more; the consumer cancels after 1 MiB.
   */
  @Test
  void outputIsBoundedByItsConsumer() throws Exception {
    Container container = await(runtime.start(spec(TestImages.SH)));
    DockerContainer docker = (DockerContainer) container;
    int buffer = settings().outputBufferFrames();
    AtomicLong consumed = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    try {
      long bytes =
          await(
              container
                  .run("exec yes".getBytes(StandardCharsets.UTF_8))
                  // The consumer on its own actor, so that offers are not served between its
                  // elements; a one-element buffer at the boundary keeps the count exact.
                  .async()
                  .map(
                      frame -> {
                        long n = consumed.incrementAndGet();
                        maxAhead.accumulateAndGet(docker.framesReceived() - n, Math::max);
                        if (n < 300) {
                          Thread.sleep(1); // slower than `yes`: the producer must wait
                        }
                        return frame.bytes().size();
                      })
                  .scan(0L, (total, size) -> total + size)
                  .takeWhile(total -> total < MIB, true)
                  .addAttributes(Attributes.inputBuffer(1, 1))
                  .runWith(Sink.last(), system));

      assertTrue(bytes >= MIB, "read " + bytes);
      // The queue's buffer, the boundary's one element, and the frame being offered.
      assertTrue(maxAhead.get() <= buffer + 2, "ran ahead by " + maxAhead.get());
      assertTrue(maxAhead.get() >= buffer / 2, "the consumer was never the slower side");
      long stalled = docker.framesReceived();
      await(container.kill());
      assertEquals(137, await(container.exit()).exitCode());
      log.info(
          "yes: consumed [{}] frames, received [{}], at most [{}] ahead",
          consumed.get(),
          stalled,
          maxAhead.get());
    } finally {
      await(container.remove());
    }
  }

  /**
   * A pre-started container whose process ended before its run (here: a command that reads no
   * input). The engine never ends an attach made after the exit; the output comes from the
   * replay and the guard closes the attach.
   */
  @Test
  void containerThatExitedBeforeItsRunStillReturnsItsOutput() throws Exception {
    Container container = await(runtime.start(spec(TestImages.ECHO)));
    try {
      eventually(
          Duration.ofSeconds(10),
          () -> !docker.inspectContainerCmd(container.id()).exec().getState().getRunning());

      Output output = collect(container.run(new byte[0]));

      assertEquals("hello\n", output.out());
      assertEquals(new ContainerExit(0, false), await(container.exit()));
    } finally {
      await(container.remove());
    }
  }

  /** A function that never reads its input must not be held up by it. */
  @Test
  void inputThatIsNeverReadDoesNotBlock() throws Exception {
    byte[] input = "unread ".repeat(100_000).getBytes(StandardCharsets.UTF_8);

    Result result =
        activate(spec(TestImages.ECHO, List.of("anyway"), 64 * MIB, 64, Map.of()), input);

    assertEquals("hello anyway\n", result.output().out());
    assertEquals(new ContainerExit(0, false), result.exit());
  }

  @Test
  void aContainerRunsOnce() throws Exception {
    Container container = await(runtime.start(spec(TestImages.CAT)));
    try {
      assertEquals("once", collect(container.run("once".getBytes(StandardCharsets.UTF_8))).out());
      ExecutionException second =
          assertThrows(ExecutionException.class, () -> collect(container.run(new byte[0])));
      assertInstanceOf(IllegalStateException.class, second.getCause());
    } finally {
      await(container.remove());
    }
  }

  @Test
  void cancellingTheOutputDetachesWithoutKilling() throws Exception {
    Container container = await(runtime.start(spec(TestImages.SH)));
    try {
      OutputFrame first =
          await(
              container
                  .run("echo first; sleep 60".getBytes(StandardCharsets.UTF_8))
                  .runWith(Sink.head(), system));

      assertEquals("first\n", first.bytes().utf8String());
      assertTrue(docker.inspectContainerCmd(container.id()).exec().getState().getRunning());
    } finally {
      await(container.remove());
    }
  }

  private Output collectQuietly(Container container, String input) {
    try {
      return collect(container.run(input.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean sleeping(String id) {
    String[][] processes = docker.topContainerCmd(id).exec().getProcesses();
    if (processes == null) {
      return false;
    }
    for (String[] process : processes) {
      if (String.join(" ", process).contains("sleep 60")) {
        return true;
      }
    }
    return false;
  }

  static Throwable assertFailsWith(
      Class<? extends Throwable> type, java.util.concurrent.CompletionStage<?> stage) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> stage.toCompletableFuture().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    assertNotNull(e.getCause());
    assertInstanceOf(type, e.getCause(), e.getCause().toString());
    return e.getCause();
  }
}
