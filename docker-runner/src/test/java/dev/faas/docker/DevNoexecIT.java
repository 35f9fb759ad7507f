package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * With the operator's opt-out of the unprivileged user (functions run as the image's user, here
 * root), {@code /dev} is writable by its owner (64 KiB of it) but nothing written there runs
 * (docs/decisions/0017).
 */
class DevNoexecIT extends DockerFixture {

  @Override
  DockerSettings settings() {
    return super.settings().withSandbox(SandboxSettings.defaults().withFunctionUser(""));
  }

  @Test
  void aFileWrittenInDevDoesNotRun() throws Exception {
    Result result =
        activate(
            spec(TestImages.SH),
            """
            id -u
            printf '#!/bin/sh\necho ran\n' > /dev/x && chmod 755 /dev/x && echo dev-written
            if /dev/x 2>/dev/null; then echo dev-exec; else echo dev-noexec; fi
            echo x > /dev/null && head -c 3 /dev/zero | wc -c
            """);

    assertEquals("0\ndev-written\ndev-noexec\n3\n", result.output().out());
  }
}
