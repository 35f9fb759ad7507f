package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.docker.ImageEviction.Image;
import dev.faas.docker.ImageEviction.Reason;
import dev.faas.docker.ImageEviction.Removal;
import dev.faas.docker.ImageEviction.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageEvictionTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(10);
  private static final long MB = 1_000_000;

  /** A pulled image {@code name:1}, of {@code mb} megabytes, its id {@code id-name}. */
  private static Image pulled(String name, long mb) {
    return new Image(
        "id-" + name,
        mb * MB,
        List.of("reg.example/" + name + ":1"),
        List.of("reg.example/" + name + "@sha256:" + name),
        Map.of());
  }

  /** A locally built image: a tag, no digest. */
  private static Image local(String name, long mb) {
    return new Image("id-" + name, mb * MB, List.of(name + ":dev"), List.of(), Map.of());
  }

  private static String ref(String name) {
    return "reg.example/" + name + ":1";
  }

  /** A snapshot builder with no containers, no references, nothing seen before, no cap. */
  private static final class Given {
    List<Image> images = List.of();
    Set<String> inUse = Set.of();
    Set<String> referenced = Set.of();
    /** Null: every image is one the platform had a part in. */
    Set<String> known;
    Map<String, Instant> since = new HashMap<>();
    Map<String, Instant> lastUsed = new HashMap<>();
    long capBytes;

    Given images(Image... all) {
      images = List.of(all);
      return this;
    }

    Given inUse(String... ids) {
      inUse = Set.of(ids);
      return this;
    }

    Given referenced(String... refs) {
      referenced = Set.of(refs);
      return this;
    }

    Given unreferencedFor(Image image, Duration d) {
      since.put(image.id(), NOW.minus(d));
      return this;
    }

    Given usedAgo(Image image, Duration d) {
      lastUsed.put(image.id(), NOW.minus(d));
      return this;
    }

    /** Only these references are the platform's. */
    Given known(String... refs) {
      known = Set.of(refs);
      return this;
    }

    Given cap(long mb) {
      capBytes = mb * MB;
      return this;
    }

    List<Removal> decide() {
      return ImageEviction.decide(
          new Snapshot(
              images, inUse, referenced, known != null ? known : allNames(), since, lastUsed,
              NOW, GRACE, capBytes));
    }

    private Set<String> allNames() {
      Set<String> names = new java.util.HashSet<>();
      images.forEach(i -> {
        names.addAll(i.repoTags());
        names.addAll(i.repoDigests());
      });
      return names;
    }
  }

  private static List<String> ids(List<Removal> removals) {
    return removals.stream().map(r -> r.image().id()).toList();
  }

  @Test
  void anUnreferencedPulledImageGoesOnlyOnceItsGraceHasPassed() {
    Image young = pulled("young", 10);
    Image exact = pulled("exact", 10);
    Image old = pulled("old", 10);
    Image fresh = pulled("fresh", 10);
    List<Removal> removals =
        new Given()
            .images(young, exact, old, fresh)
            .unreferencedFor(young, GRACE.minusSeconds(1))
            .unreferencedFor(exact, GRACE)
            .unreferencedFor(old, GRACE.multipliedBy(3))
            .decide();
    assertEquals(List.of("id-exact", "id-old"), ids(removals), "never-seen fresh is kept too");
    assertTrue(removals.stream().allMatch(r -> r.reason() == Reason.UNREFERENCED));
  }

  @Test
  void anImageThePlatformNeverHadAPartInIsNeverRemovedEvenOverTheCap() {
    Image theirs = pulled("someone-elses", 50);
    Image ours = pulled("ours", 50);
    List<Removal> removals =
        new Given()
            .images(theirs, ours)
            .known(ref("ours"))
            .unreferencedFor(theirs, GRACE.multipliedBy(3))
            .unreferencedFor(ours, GRACE.multipliedBy(3))
            .cap(1)
            .decide();
    assertEquals(List.of("id-ours"), ids(removals), "an engine shared with other work keeps theirs");
  }

  @Test
  void aReferencedImageIsKeptUnderTheCapByItsTagOrItsDigest() {
    Image byTag = pulled("bytag", 10);
    Image byDigest = pulled("bydigest", 10);
    List<Removal> removals =
        new Given()
            .images(byTag, byDigest)
            .referenced(ref("bytag"), "reg.example/bydigest@sha256:bydigest")
            .unreferencedFor(byTag, Duration.ofHours(1))
            .unreferencedFor(byDigest, Duration.ofHours(1))
            .cap(100)
            .decide();
    assertEquals(List.of(), removals);
  }

  @Test
  void anImageAContainerUsesIsNeverRemoved() {
    Image used = pulled("used", 500);
    Image usedToo = pulled("usedtoo", 500);
    List<Removal> removals =
        new Given()
            .images(used, usedToo)
            .inUse("id-used", "id-usedtoo")
            .referenced(ref("usedtoo"))
            .unreferencedFor(used, Duration.ofDays(1))
            .cap(1)
            .decide();
    assertEquals(List.of(), removals, "in use, past grace, far over the cap: kept");
  }

  @Test
  void locallyBuiltAndPlatformImagesAreNeverRemoved() {
    Image built = local("mine", 500);
    Image labelled =
        new Image("id-labelled", 500 * MB, List.of("reg.example/x:1"),
            List.of("reg.example/x@sha256:x"), Map.of("dev.faas.platform", "faas"));
    Image role =
        new Image("id-role", 500 * MB, List.of("reg.example/y:1"),
            List.of("reg.example/y@sha256:y"), Map.of("dev.faas.role", "probe"));
    Image probe = new Image("id-probe", 1 * MB, List.of("faas-probe:abc"), List.of(), Map.of());
    Image dangling =
        new Image("id-dangling", 500 * MB, List.of("<none>:<none>"), List.of("<none>@<none>"),
            Map.of());
    List<Removal> removals =
        new Given()
            .images(built, labelled, role, probe, dangling)
            .unreferencedFor(built, Duration.ofDays(1))
            .unreferencedFor(labelled, Duration.ofDays(1))
            .cap(1)
            .decide();
    assertEquals(List.of(), removals);
    assertFalse(built.candidate());
    assertFalse(dangling.candidate());
  }

  @Test
  void overTheCapUnreferencedGoFirstLongestUnreferencedFirstThenOnlyAsManyAsNeeded() {
    Image a = pulled("a", 30);
    Image b = pulled("b", 30);
    Image c = pulled("c", 30);
    Image kept = pulled("kept", 30);
    List<Removal> removals =
        new Given()
            .images(a, b, c, kept)
            .referenced(ref("kept"))
            .unreferencedFor(a, Duration.ofMinutes(1))
            .unreferencedFor(b, Duration.ofMinutes(5))
            .unreferencedFor(c, Duration.ofMinutes(3))
            .cap(65)
            .decide();
    // 120 MB over 65: two unreferenced go, oldest first; the referenced one stays.
    assertEquals(List.of("id-b", "id-c"), ids(removals));
    assertTrue(removals.stream().allMatch(r -> r.reason() == Reason.OVER_CAP_UNREFERENCED));
  }

  @Test
  void thenReferencedImagesGoLeastRecentlyUsedFirst() {
    Image gone = pulled("gone", 40);
    Image recent = pulled("recent", 40);
    Image stale = pulled("stale", 40);
    Image never = pulled("never", 40);
    Image middle = pulled("middle", 40);
    List<Removal> removals =
        new Given()
            .images(gone, recent, stale, never, middle)
            .referenced(ref("recent"), ref("stale"), ref("never"), ref("middle"))
            .unreferencedFor(gone, Duration.ofDays(1))
            .usedAgo(recent, Duration.ofSeconds(1))
            .usedAgo(stale, Duration.ofHours(5))
            .usedAgo(middle, Duration.ofHours(1))
            .cap(90)
            .decide();
    // 200 MB: the unreferenced one past grace (160 left), then never-used, then stale (80 left).
    assertEquals(List.of("id-gone", "id-never", "id-stale"), ids(removals));
    assertEquals(
        List.of(Reason.UNREFERENCED, Reason.OVER_CAP_LEAST_RECENTLY_USED,
            Reason.OVER_CAP_LEAST_RECENTLY_USED),
        removals.stream().map(Removal::reason).toList());
  }

  @Test
  void imagesNotRemovableStillCountTowardsTheCap() {
    Image built = local("built", 100);
    Image used = pulled("used", 100);
    Image lru = pulled("lru", 10);
    List<Removal> removals =
        new Given()
            .images(built, used, lru)
            .inUse("id-used")
            .referenced(ref("lru"), ref("used"))
            .cap(150)
            .decide();
    // 210 MB over 150, and only lru can go: it goes, though that does not bring it under.
    assertEquals(List.of("id-lru"), ids(removals));
  }

  @Test
  void noCapMeansOnlyTheGraceRule() {
    Image a = pulled("a", 1_000_000);
    Image b = pulled("b", 1_000_000);
    List<Removal> removals =
        new Given().images(a, b).referenced(ref("a")).unreferencedFor(b, Duration.ofMinutes(1))
            .cap(0).decide();
    assertEquals(List.of(), removals);
  }

  @Test
  void underTheCapNothingMoreGoes() {
    Image a = pulled("a", 10);
    Image b = pulled("b", 10);
    assertEquals(
        List.of(),
        new Given().images(a, b).referenced(ref("a")).unreferencedFor(b, Duration.ofMinutes(1))
            .cap(20).decide());
  }

  @Test
  void unreferencedSinceStartsNowKeepsItsFirstSightAndForgetsReferencedOnes() {
    Image old = pulled("old", 1);
    Image fresh = pulled("fresh", 1);
    Image back = pulled("back", 1);
    Image built = local("built", 1);
    Map<String, Instant> previous =
        Map.of("id-old", NOW.minusSeconds(60), "id-back", NOW.minusSeconds(60), "id-vanished",
            NOW.minusSeconds(60));
    Map<String, Instant> since =
        ImageEviction.unreferencedSince(
            List.of(old, fresh, back, built), Set.of(ref("back")), previous, NOW);
    assertEquals(Map.of("id-old", NOW.minusSeconds(60), "id-fresh", NOW), since);
  }
}
