package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.runtime.ContainerFailure;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's readiness check: a container started on the engine, answered cheaply when busy. */
class EngineProbeIT extends DockerFixture {

  @Test
  void anIdleRuntimeStartsAProbeContainerAndLeavesNothing() throws Exception {
    removeProbeImage();
    Instant before = Instant.now();
    try (DockerContainerRuntime idle = new DockerContainerRuntime(settings(), executor)) {
      await(idle.probe());
    }
    assertEquals(
        1, createdSince(before), "one probe container was created (the image built first)");
    assertTrue(hasProbeImage(), "the probe image stays for the next check");
    // @AfterEach: nothing of the platform is left.
  }

  @Test
  void aRecentStartAnswersTheProbeWithoutAnotherContainer() throws Exception {
    Result result = activate(spec(TestImages.CAT), "hello");
    assertEquals("hello", result.output().out());
    Instant before = Instant.now();
    await(runtime.probe());
    assertEquals(0, createdSince(before), "answered from the activation's start");
  }

  @Test
  void anEngineThatIsNotThereFailsTheProbe() throws Exception {
    try (DockerContainerRuntime nowhere =
        new DockerContainerRuntime(
            settings().withDockerHost(URI.create("unix:///nonexistent/docker.sock")), executor)) {
      LifecycleIT.assertFailsWith(ContainerFailure.EngineUnavailable.class, nowhere.probe());
    }
  }

  /** Probe containers of this platform created since {@code since}, from the engine's events. */
  private long createdSince(Instant since) {
    java.util.List<com.github.dockerjava.api.model.Event> events = new java.util.ArrayList<>();
    try {
      docker
          .eventsCmd()
          .withSince(String.format("%d.%09d", since.getEpochSecond(), since.getNano()))
          .withUntil(Long.toString(Instant.now().getEpochSecond() + 1))
          .withEventFilter("create")
          .withLabelFilter(Map.of(EngineProbe.ROLE_LABEL, "probe", "dev.faas.platform", platform))
          .exec(
              new com.github.dockerjava.api.async.ResultCallback.Adapter<>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Event event) {
                  events.add(event);
                }
              })
          .awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return events.size();
  }

  private boolean hasProbeImage() {
    return !docker.listImagesCmd().withReferenceFilter(ProbeImage.NAME).exec().isEmpty();
  }

  private void removeProbeImage() {
    for (var image : docker.listImagesCmd().withReferenceFilter(ProbeImage.NAME).exec()) {
      try {
        docker.removeImageCmd(image.getId()).withForce(true).exec();
      } catch (NotFoundException gone) {
        // removed meanwhile
      }
    }
  }
}
