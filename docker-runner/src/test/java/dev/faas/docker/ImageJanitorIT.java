package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.runtime.Container;
import dev.faas.registry.testing.LoopbackRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The image janitor against the real engine, with images pulled from a registry on a loopback
 * port. Its grace is 0 (an unreferenced pulled image goes at the first round) and it has no size
 * bound; it may only touch this test's own images (named after a token of each test), since the
 * engine is shared with whatever else runs on this machine.
 */
class ImageJanitorIT extends DockerFixture {
  private static final ImageCacheSettings NO_GRACE =
      new ImageCacheSettings(0, Duration.ZERO, Duration.ofHours(1));

  private LoopbackRegistry registry;
  private Deadlines deadlines;
  private DockerClient control;
  private String token;
  private final List<String> made = new ArrayList<>();

  @BeforeAll
  void startRegistry() throws Exception {
    registry = LoopbackRegistry.start();
    deadlines = new Deadlines();
    control = DockerClients.control(settings(), deadlines);
  }

  @AfterAll
  void stopRegistry() throws Exception {
    try {
      control.close();
      deadlines.close();
    } finally {
      registry.close();
    }
  }

  @BeforeEach
  void newToken() {
    token = platform + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void removeImages() {
    for (String image : made) {
      try {
        docker.removeImageCmd(image).withForce(true).exec();
      } catch (NotFoundException gone) {
        // Removed by the janitor, as it should.
      }
    }
    made.clear();
  }

  @Test
  void anUnreferencedPulledImagePastItsGraceIsRemoved() throws Exception {
    String image = pulled("gone");
    String other = pulled("other");
    try (ImageJanitor janitor = janitorOnceReferencing(Set.of(image, other), Set.of())) {
      ImageJanitor.Round round = await(janitor.sweep());

      assertFalse(round.skipped());
      assertFalse(exists(image), image + " still on the engine");
      assertFalse(exists(other), other + " still on the engine");
      assertEquals(2, janitor.removedTotal());
      assertTrue(
          round.removed().stream()
              .allMatch(r -> r.reason() == ImageEviction.Reason.UNREFERENCED),
          round.toString());
      assertTrue(janitor.imagesBytes() > 0, "the images' total size is known");
    }
  }

  @Test
  void anImageAFunctionReferencesStaysByItsTagOrItsDigest() throws Exception {
    String byTag = pulled("tagged");
    String pinned = pulled("pinned");
    String digest = docker.inspectImageCmd(pinned).exec().getRepoDigests().get(0);
    String unreferenced = pulled("unreferenced");
    // A function pinned to a digest runs repo@digest, whatever its tag.
    try (ImageJanitor janitor =
        janitorOnceReferencing(Set.of(byTag, digest, unreferenced), Set.of(byTag, digest))) {
      await(janitor.sweep());

      assertTrue(exists(byTag), byTag + " removed");
      assertTrue(exists(pinned), pinned + " removed");
      assertFalse(exists(unreferenced), "the unreferenced one beside them is removed");
    }
  }

  @Test
  void anImageAContainerUsesStaysUntilTheContainerIsGone() throws Exception {
    String image = pulled("busy");
    // A stdin-mode start: the container waits for its input, as a pre-started one does.
    Container container = await(runtime.start(spec(image)));
    try (ImageJanitor janitor = janitorOnceReferencing(Set.of(image), Set.of())) {
      try {
        assertEquals(List.of(), await(janitor.sweep()).removed());
        assertTrue(exists(image), image + " removed under its container");
      } finally {
        await(container.remove());
      }

      await(janitor.sweep());
      assertFalse(exists(image), "once its container is gone it goes");
    }
  }

  @Test
  void startedItLooksOnItsOwnEveryPeriod() throws Exception {
    String image = pulled("periodic");
    AtomicReference<Set<String>> runImages = new AtomicReference<>(Set.of(image));
    try (ImageJanitor janitor =
        new ImageJanitor(
            control, executor, new ImageCacheSettings(0, Duration.ZERO, Duration.ofMillis(200)),
            () -> Optional.of(runImages.get()), Clock.systemUTC(), this::mine)) {
      assertEquals(List.of(), await(janitor.sweep()).removed(), "referenced, it stays");
      runImages.set(Set.of());
      janitor.start();

      long deadline = System.nanoTime() + PATIENCE.toNanos();
      // Counted once the engine has answered the removal: the image is gone a moment before.
      while (janitor.removedTotal() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(1, janitor.removedTotal(), "removed by the periodic rounds");
      assertFalse(exists(image), image + " still on the engine");
    }
  }

  @Test
  void aPulledImageNoFunctionEverRanStays() throws Exception {
    // Someone else's image on a shared engine: the platform never had a part in it.
    String image = pulled("someone-elses");
    try (ImageJanitor janitor = janitor(Set.of())) {
      assertEquals(List.of(), await(janitor.sweep()).removed());
      assertTrue(exists(image), image + " removed");
    }
  }

  @Test
  void aLocallyBuiltImageStays() throws Exception {
    String image = "faas-it-local/" + token() + "/built:it";
    TestImages.distinct(docker, Path.of("target", "test-images"), image);
    made.add(image);
    try (ImageJanitor janitor = janitor(Set.of())) {
      assertEquals(List.of(), await(janitor.sweep()).removed());
      assertTrue(exists(image), image + " removed");
    }
  }

  @Test
  void nothingIsRemovedWhileTheFunctionsAreNotKnown() throws Exception {
    String image = pulled("unknown");
    try (ImageJanitor janitor =
        new ImageJanitor(
            control, executor, NO_GRACE, Optional::empty, Clock.systemUTC(), this::mine)) {
      ImageJanitor.Round round = await(janitor.sweep());

      assertTrue(round.skipped());
      assertTrue(exists(image), image + " removed");
    }
  }

  /** A janitor that sees the functions reference {@code runImages} and may touch only ours. */
  private ImageJanitor janitor(Set<String> runImages) {
    return new ImageJanitor(
        control, executor, NO_GRACE, () -> Optional.of(runImages), Clock.systemUTC(), this::mine);
  }

  /**
   * A janitor that has seen the functions reference {@code before} in one round (so those are
   * images the platform had a part in), and from now on sees {@code now}.
   */
  private ImageJanitor janitorOnceReferencing(Set<String> before, Set<String> now)
      throws Exception {
    AtomicReference<Set<String>> runImages = new AtomicReference<>(before);
    ImageJanitor janitor =
        new ImageJanitor(
            control, executor, NO_GRACE, () -> Optional.of(runImages.get()), Clock.systemUTC(),
            this::mine);
    assertEquals(List.of(), await(janitor.sweep()).removed(), "referenced images stay");
    runImages.set(now);
    return janitor;
  }

  /** True for the images this test made: named after its token. */
  private boolean mine(ImageEviction.Image image) {
    return image.repoTags().stream().anyMatch(t -> t.contains(token()))
        || image.repoDigests().stream().anyMatch(d -> d.contains(token()));
  }

  /** The running test's token, in all its image names. */
  private String token() {
    return token;
  }

  /**
   * An image of its own, pushed to the registry, removed, and pulled back: on the engine as a
   * registry image (with a RepoDigest), sharing its id with no other image.
   */
  private String pulled(String name) throws Exception {
    String image = registry.host() + "/" + token() + "/" + name + ":it";
    made.add(image);
    TestImages.distinct(docker, Path.of("target", "test-images"), image);
    cli("push", image);
    cli("rmi", image);
    cli("pull", image);
    assertFalse(
        docker.inspectImageCmd(image).exec().getRepoDigests().isEmpty(), image + " has a digest");
    return image;
  }

  private boolean exists(String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }
}
