package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.model.Container;
import dev.faas.actors.runtime.ContainerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a restarted worker does with the containers a crashed one left behind. */
class CleanupIT extends DockerFixture {

  @Test
  void removeLabelledRemovesExactlyTheLabelled() throws Exception {
    Set<String> a = startAll(3, "group-a");
    Set<String> b = startAll(2, "group-b");

    int removed = await(runtime.removeLabelled(labels("group-a")));

    assertEquals(3, removed);
    assertEquals(b, ids());
    assertEquals(0, (int) await(runtime.removeLabelled(labels("group-a"))));
    assertEquals(2, (int) await(runtime.removeLabelled(labels("group-b"))));
    assertEquals(Set.of(), ids());
    assertEquals(3, a.size());
  }

  @Test
  void anotherPlatformsContainersAreNeverTouched() throws Exception {
    String otherPlatform = platform + "-other";
    try (DockerContainerRuntime other =
        new DockerContainerRuntime(DockerSettings.defaults(otherPlatform), executor)) {
      String theirs =
          await(other.start(spec(TestImages.CAT, List.of(), 64 * MIB, 64, Map.of("g", "x"))))
              .id();
      try {
        await(runtime.start(spec(TestImages.CAT, List.of(), 64 * MIB, 64, Map.of("g", "x"))));

        // No platform label given: the runtime adds its own.
        assertEquals(1, (int) await(runtime.removeLabelled(Map.of("g", "x"))));
        assertEquals(0, (int) await(runtime.removeOlderThan(Map.of("g", "x"), Duration.ZERO)));

        assertEquals(Set.of(), ids());
        assertEquals(theirs, docker.inspectContainerCmd(theirs).exec().getId(), "theirs is left");
      } finally {
        assertEquals(1, (int) await(other.removeLabelled(Map.of("g", "x"))));
      }
    }
  }

  @Test
  void removeOlderThanSparesTheYoung() throws Exception {
    Set<String> old = startAll(2, "group-c");
    Set<String> otherGroup = startAll(1, "group-d");
    // The engine dates containers in whole seconds: wait until the old ones are clearly old.
    eventually(
        Duration.ofSeconds(10),
        () ->
            containers().stream()
                .allMatch(c -> Instant.ofEpochSecond(c.getCreated())
                    .isBefore(Instant.now().minusSeconds(3))));
    Set<String> young = startAll(1, "group-c");

    int removed = await(runtime.removeOlderThan(labels("group-c"), Duration.ofSeconds(2)));

    assertEquals(2, removed);
    Set<String> expected = new java.util.HashSet<>(young);
    expected.addAll(otherGroup);
    assertEquals(expected, ids());
    assertEquals(2, old.size());
    await(runtime.removeLabelled(Map.of(ContainerSpec.PLATFORM_LABEL, platform)));
  }

  private Map<String, String> labels(String group) {
    return Map.of(ContainerSpec.PLATFORM_LABEL, platform, "dev.faas.test.group", group);
  }

  private Set<String> startAll(int count, String group) throws Exception {
    Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          await(
                  runtime.start(
                      spec(
                          TestImages.CAT,
                          List.of(),
                          64 * MIB,
                          64,
                          Map.of("dev.faas.test.group", group))))
              .id());
    }
    return ids;
  }

  private List<Container> containers() {
    return platformContainers();
  }

  private Set<String> ids() {
    return containers().stream().map(Container::getId).collect(Collectors.toSet());
  }
}
