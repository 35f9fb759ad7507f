package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerFailure;
import dev.faas.actors.runtime.ImagePull;
import dev.faas.registry.testing.LoopbackRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Missing images pulled on demand from a real registry on a loopback port: the test image is
 * pushed there, its registry-tagged copy removed from the engine, and the runtime must pull it
 * back when a start needs it.
 */
class ImagePullIT extends DockerFixture {
  private LoopbackRegistry registry;
  private String image;

  @BeforeAll
  void pushTestImage() throws Exception {
    registry = LoopbackRegistry.start();
    image = registry.host() + "/" + platform + "/cat:it";
    cli("tag", TestImages.CAT, image);
    cli("push", image);
    removeFromEngine();
  }

  @AfterAll
  void removeRegistry() throws Exception {
    try {
      removeFromEngine();
    } finally {
      registry.close();
    }
  }

  @Test
  void aMissingImageIsPulledAndRuns() throws Exception {
    removeFromEngine();
    DockerContainerRuntime.EngineStats before = runtime.stats();

    Result result = activate(spec(image), "pulled");

    assertEquals("pulled", result.output().out());
    assertEquals(0, result.exit().exitCode());
    DockerContainerRuntime.EngineStats after = runtime.stats();
    assertEquals(1, after.pullsStarted() - before.pullsStarted(), "pulls started");
    assertEquals(1, after.pullsSucceeded() - before.pullsSucceeded(), "pulls succeeded");
  }

  @Test
  void concurrentStartsOfAMissingImageShareOnePull() throws Exception {
    removeFromEngine();
    DockerContainerRuntime.EngineStats before = runtime.stats();

    List<CompletionStage<Container>> starts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      starts.add(runtime.start(spec(image)));
    }
    List<Container> started = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (CompletionStage<Container> start : starts) {
      try {
        started.add(await(start));
      } catch (ExecutionException e) {
        failures.add(e.getCause().toString());
      }
    }
    try {
      assertEquals(List.of(), failures, "starts that failed");
      assertEquals("one of eight", collect(started.get(0).run(bytes("one of eight"))).out());
    } finally {
      for (Container c : started) {
        await(c.remove());
      }
    }

    // Every start that waited for the pull says so, for the activation's trace (decision 0022).
    for (Container c : started) {
      ImagePull pull = c.pulled().orElseThrow(() -> new AssertionError("no pull reported"));
      assertEquals(image, pull.image());
      assertTrue(!pull.to().isBefore(pull.from()), pull::toString);
    }
    Container again = await(runtime.start(spec(image)));
    try {
      assertTrue(again.pulled().isEmpty(), "the image was there: no pull");
    } finally {
      await(again.remove());
    }
    DockerContainerRuntime.EngineStats after = runtime.stats();
    assertEquals(8, started.size());
    assertEquals(1, after.pullsStarted() - before.pullsStarted(), "pulls started");
    assertEquals(1, after.pullsSucceeded() - before.pullsSucceeded(), "pulls succeeded");
  }

  @Test
  void anImageTheRegistryDoesNotHaveIsNotFoundWithItsReason() throws Exception {
    DockerContainerRuntime.EngineStats before = runtime.stats();

    Throwable failure =
        LifecycleIT.assertFailsWith(
            ContainerFailure.ImageNotFound.class,
            runtime.start(spec(registry.host() + "/" + platform + "/nothing:here")));

    assertTrue(
        failure.getMessage().contains("pull failed") && failure.getMessage().contains("not found"),
        failure.getMessage());
    DockerContainerRuntime.EngineStats after = runtime.stats();
    assertEquals(1, after.pullsFailed() - before.pullsFailed(), "pulls failed");
  }

  @Test
  void withTheRegistryDownAnImageAlreadyPulledStillRuns() throws Exception {
    assertEquals("first", activate(spec(image), "first").output().out());
    registry.stop();
    try {
      DockerContainerRuntime.EngineStats before = runtime.stats();

      assertEquals("again", activate(spec(image), "again").output().out());
      assertEquals(before.pullsStarted(), runtime.stats().pullsStarted(), "pulls started");

      // A new image, though, cannot be had: the engine says why.
      Throwable failure =
          LifecycleIT.assertFailsWith(
              ContainerFailure.ImageNotFound.class,
              runtime.start(spec(registry.host() + "/" + platform + "/other:it")));
      assertTrue(failure.getMessage().contains("connection refused"), failure.getMessage());
    } finally {
      registry.resume();
    }
  }

  /**
   * A registry that takes connections and never answers: the pull ends at its own deadline, well
   * before the engine would give up, and the start fails as image not found, saying so.
   */
  @Test
  void aPullEndsAtItsDeadline() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DockerContainerRuntime patient =
            new DockerContainerRuntime(
                settings().withPullTimeout(Duration.ofSeconds(2)), executor)) {
      Thread holder = new Thread(() -> acceptForever(blackHole), "black-hole-registry");
      holder.setDaemon(true);
      holder.start();
      String silent = "127.0.0.1:" + blackHole.getLocalPort() + "/" + platform + "/silent:it";

      Throwable failure =
          LifecycleIT.assertFailsWith(
              ContainerFailure.ImageNotFound.class, patient.start(spec(silent)));

      assertTrue(failure.getMessage().contains("not pulled within 2000 ms"), failure.getMessage());
      assertEquals(1, patient.stats().pullsFailed(), "pulls failed");
    }
  }

  /** Takes connections and holds them, unanswered, until the socket closes. */
  private static void acceptForever(ServerSocket socket) {
    List<Socket> held = new ArrayList<>();
    try {
      while (true) {
        held.add(socket.accept());
      }
    } catch (IOException closed) {
      for (Socket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing anyway.
        }
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Removes the registry-tagged copy from the engine (the test image keeps its own tag). */
  private void removeFromEngine() throws Exception {
    try {
      docker.inspectImageCmd(image).exec();
    } catch (NotFoundException absent) {
      return;
    }
    cli("rmi", image);
  }
}
