package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.runtime.Container;
import dev.faas.actors.runtime.ContainerExit;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** faas-init switched off: docker-init is PID 1 and a run ends when the engine ends the attach. */
class FaasInitOffIT extends DockerFixture {

  @Override
  DockerSettings settings() {
    return super.settings().withFaasInit(false);
  }

  @Test
  void dockerInitRunsTheContainerAndTheAttachEndsTheRun() throws Exception {
    Container container = await(runtime.start(spec(TestImages.SH)));
    try {
      Output output =
          collect(container.run("tr '\\0' ' ' < /proc/1/cmdline".getBytes(StandardCharsets.UTF_8)));

      assertTrue(output.out().contains("docker-init"), output.out());
      assertFalse(((DockerContainer) container).endedByMarks());
      assertEquals(new ContainerExit(0, false), await(container.exit()));
    } finally {
      await(container.remove());
    }
  }
}
