package dev.faas.docker;

import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which images a worker removes from its engine, decided from one snapshot: pure, so the rules
 * are tested apart from an engine ({@link ImageJanitor} gathers the snapshot and acts).
 *
 * <ol>
 *   <li>Only images pulled from a registry are candidates: they have a RepoDigest, so they can be
 *       pulled again. A locally built image (none) could not come back; the platform's own images
 *       (labelled {@code dev.faas.platform} or {@code dev.faas.role}, or
 *       named {@code faas-probe}) are built here and are never removed either.
 *   <li>An image a container uses (any state: running, pre-started in the warm pool, exited and
 *       not yet removed) is never removed.
 *   <li>A candidate no function references, unreferenced for at least the grace period, is
 *       removed.
 *   <li>Then, while the images' total size is over the cap: unreferenced candidates, longest
 *       unreferenced first; then referenced candidates, least recently used first (a start pulls
 *       them again when it needs them).
 * </ol>
 *
 * <p>Sizes are as the engine lists them: layers shared by several images count in each, so the
 * total is an upper bound on the disk the images take.
 */
final class ImageEviction {
  private ImageEviction() {}

  /** An image as the engine lists it. */
  record Image(
      String id,
      long sizeBytes,
      List<String> repoTags,
      List<String> repoDigests,
      Map<String, String> labels) {
    Image {
      Objects.requireNonNull(id, "id");
      repoTags = List.copyOf(repoTags);
      repoDigests = List.copyOf(repoDigests);
      labels = Map.copyOf(labels);
    }

    /** True when the image came from a registry: it has a digest there (not {@code <none>}). */
    boolean pulled() {
      return repoDigests.stream().anyMatch(d -> !d.startsWith("<none>"));
    }

    /** True for the platform's own images, built on the engine and never pulled. */
    boolean platformOwn() {
      return labels.containsKey(ContainerSpec.PLATFORM_LABEL)
          || labels.containsKey(EngineProbe.ROLE_LABEL)
          || repoTags.stream().anyMatch(t -> t.startsWith(ProbeImage.NAME + ":"));
    }

    /** True when the janitor may ever remove it (in use or not). */
    boolean candidate() {
      return pulled() && !platformOwn();
    }

    /** True when a function's run image, in the engine's form, names this image. */
    boolean referencedBy(Set<String> references) {
      return repoTags.stream().anyMatch(references::contains)
          || repoDigests.stream().anyMatch(references::contains);
    }

    /** How it is named in a log line: a name it has, and its short id. */
    String describe() {
      String name =
          !repoTags.isEmpty() && !repoTags.get(0).startsWith("<none>")
              ? repoTags.get(0)
              : repoDigests.isEmpty() ? "<none>" : repoDigests.get(0);
      String shortId = id.startsWith("sha256:") ? id.substring(7) : id;
      return name + " (" + shortId.substring(0, Math.min(12, shortId.length())) + ")";
    }
  }

  /**
   * What one round sees.
   *
   * @param images every image on the engine
   * @param inUse ids of images some container uses
   * @param referenced the functions' run images in the engine's form ({@link EngineImageNames})
   * @param known every image, in the same form, this platform has had a part in during this
   *     process: run by a function now or before, or a container started from it. Only those are
   *     ever removed: an engine shared with other work keeps everything else of it
   * @param unreferencedSince per image id, when it was first seen unreferenced ({@link
   *     #unreferencedSince})
   * @param lastUsed per image id, when a container last used it (or it was first seen); an image
   *     missing here counts as the least recently used
   * @param now the round's time
   * @param grace how long an unreferenced candidate is kept
   * @param capBytes the bound on the images' total size; 0: none
   */
  record Snapshot(
      List<Image> images,
      Set<String> inUse,
      Set<String> referenced,
      Set<String> known,
      Map<String, Instant> unreferencedSince,
      Map<String, Instant> lastUsed,
      Instant now,
      Duration grace,
      long capBytes) {
    Snapshot {
      images = List.copyOf(images);
      inUse = Set.copyOf(inUse);
      referenced = Set.copyOf(referenced);
      known = Set.copyOf(known);
      unreferencedSince = Map.copyOf(unreferencedSince);
      lastUsed = Map.copyOf(lastUsed);
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(grace, "grace");
    }

    /** The images' total size, as listed. */
    long totalBytes() {
      return images.stream().mapToLong(Image::sizeBytes).sum();
    }
  }

  /** Why an image is removed: its log line and the order of the rules. */
  enum Reason {
    UNREFERENCED("no function references it past the grace period"),
    OVER_CAP_UNREFERENCED("over the cache size, unreferenced"),
    OVER_CAP_LEAST_RECENTLY_USED("over the cache size, least recently used");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** One image to remove, and why. */
  record Removal(Image image, Reason reason) {}

  /** The images to remove, in the order to remove them. */
  static List<Removal> decide(Snapshot s) {
    List<Image> removable =
        s.images().stream()
            .filter(
                i ->
                    i.candidate()
                        && i.referencedBy(s.known())
                        && !s.inUse().contains(i.id()))
            .toList();
    List<Removal> removals = new ArrayList<>();
    List<Image> unreferenced = new ArrayList<>();
    List<Image> referenced = new ArrayList<>();
    for (Image image : removable) {
      if (image.referencedBy(s.referenced())) {
        referenced.add(image);
      } else if (pastGrace(s, image)) {
        removals.add(new Removal(image, Reason.UNREFERENCED));
      } else {
        unreferenced.add(image);
      }
    }
    if (s.capBytes() <= 0) {
      return removals;
    }
    long total = s.totalBytes() - removals.stream().mapToLong(r -> r.image().sizeBytes()).sum();
    unreferenced.sort(
        Comparator.comparing((Image i) -> s.unreferencedSince().getOrDefault(i.id(), s.now()))
            .thenComparing(Image::id));
    referenced.sort(
        Comparator.comparing((Image i) -> s.lastUsed().getOrDefault(i.id(), Instant.MIN))
            .thenComparing(Image::id));
    total = shrink(unreferenced, Reason.OVER_CAP_UNREFERENCED, total, s.capBytes(), removals);
    shrink(referenced, Reason.OVER_CAP_LEAST_RECENTLY_USED, total, s.capBytes(), removals);
    return removals;
  }

  /**
   * When each candidate no function references was first seen so: {@code previous} kept for those
   * still unreferenced, {@code now} for those newly so; referenced and vanished images dropped (a
   * function that references an image again restarts its grace).
   */
  static Map<String, Instant> unreferencedSince(
      List<Image> images, Set<String> referenced, Map<String, Instant> previous, Instant now) {
    Map<String, Instant> since = new HashMap<>();
    for (Image image : images) {
      if (image.candidate() && !image.referencedBy(referenced)) {
        since.put(image.id(), previous.getOrDefault(image.id(), now));
      }
    }
    return since;
  }

  private static boolean pastGrace(Snapshot s, Image image) {
    Instant since = s.unreferencedSince().get(image.id());
    return since != null && !since.plus(s.grace()).isAfter(s.now());
  }

  /** Adds {@code ordered} to {@code removals} while {@code total} is over {@code cap}. */
  private static long shrink(
      List<Image> ordered, Reason reason, long total, long cap, List<Removal> removals) {
    for (Image image : ordered) {
      if (total <= cap) {
        break;
      }
      removals.add(new Removal(image, reason));
      total -= image.sizeBytes();
    }
    return total;
  }
}
