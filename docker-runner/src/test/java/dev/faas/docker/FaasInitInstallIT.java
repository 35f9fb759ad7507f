package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Installing faas-init's volume (docs/decisions/0006): nodes starting together on one engine
 * write it once between them, through the writer container's name, and leave no writer behind.
 */
class FaasInitInstallIT extends DockerFixture {

  @Test
  void concurrentInstallsWriteTheVolumeOnce() throws Exception {
    // Bytes of its own, so the volume is this test's alone.
    FaasInit init =
        new FaasInit(("not a binary " + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII));
    try {
      List<Callable<Boolean>> installs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        installs.add(
            () -> init.install(docker, TestImages.CAT, platform, Duration.ofSeconds(20)));
      }
      int wrote = 0;
      for (Future<Boolean> done : executor.invokeAll(installs)) {
        wrote += done.get() ? 1 : 0;
      }

      assertEquals(1, wrote, "one install wrote the volume, the others found it whole");
      assertFalse(init.install(docker, TestImages.CAT, platform, Duration.ofSeconds(20)));
    } finally {
      docker.removeVolumeCmd(init.volume()).exec();
    }
  }
}
