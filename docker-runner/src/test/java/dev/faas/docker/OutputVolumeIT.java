package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faas.actors.runtime.Container;
import org.junit.jupiter.api.Test;

/**
 * Much output on stderr before and after the input, on containers run at once and on containers
 * that waited (pre-started): every byte of both streams arrives, the result is never lost.
 */
class OutputVolumeIT extends DockerFixture {
  private static final int STDERR_BYTES = 262_144 + 1_048_576;

  @Test
  void everyByteArrivesFromAContainerRunAtOnce() throws Exception {
    for (int i = 0; i < 4; i++) {
      Result result = activate(spec(TestImages.LOGS), "input " + i);
      assertEquals("input " + i, result.output().out(), "run " + i);
      assertEquals(STDERR_BYTES, result.output().stderr().size(), "run " + i);
      assertEquals(0, result.exit().exitCode());
    }
  }

  @Test
  void everyByteArrivesFromAContainerThatWaitedForItsRun() throws Exception {
    for (int i = 0; i < 4; i++) {
      Container container = await(runtime.start(spec(TestImages.LOGS)));
      try {
        // Its start-up log fills what the engine buffers before anybody reads it.
        eventually(PATIENCE, () -> ((DockerContainer) container).framesReceived() > 0);
        Output output = collect(container.run(("waited " + i).getBytes()));
        assertEquals("waited " + i, output.out(), "run " + i);
        assertEquals(STDERR_BYTES, output.stderr().size(), "run " + i);
        assertEquals(0, await(container.exit()).exitCode());
      } finally {
        await(container.remove());
      }
    }
  }
}
